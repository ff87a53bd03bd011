/** One line of the audit trail: who did what to which resource, and how it ended. Never holds a secret. */
export interface AuditRecord {
  id: string;
  time: string;
  accountId: string;
  userId: string;
  accessKey: string;
  projectId: string;
  /** `METHOD /route/:pattern`. */
  action: string;
  /** Ids named in the path (project excluded), comma-separated. */
  target: string;
  status: number;
  code: string;
  requestId: string;
  source: string;
}

export interface AuditFilter {
  since?: string;
  projectId?: string;
  accountId?: string;
  limit: number;
}
