import type { AuditFilter, AuditRecord } from "../../domain/audit.js";

/** The audit trail (kept out of `admin.dump`: recording a refusal is not a change to the cloud's state). */
export interface AuditRepository {
  insert(records: readonly AuditRecord[]): Promise<void>;
  /** The newest `limit` records matching, oldest first. */
  list(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Deletes records older than `before`; answers how many. */
  prune(before: string): Promise<number>;
}
