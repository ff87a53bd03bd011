/** The gateway's and IAM's protections, with the cloud's defaults; every one can be changed per server. */
export interface SecuritySettings {
  /** Sustained requests per second per caller (access key, else user, else source address), burst as many; 0 = off. */
  rateLimit: number;
  /** The gateway locks an access key after this many consecutive signature failures ... */
  accessKeyFailures: number;
  /** ... for this long. */
  accessKeyLockMs: number;
  /** IAM's login policy: this many failed logins within `loginFailureWindowMs` lock the user for `loginLockMs`. */
  loginFailures: number;
  loginFailureWindowMs: number;
  loginLockMs: number;
  /** A request must arrive whole within this time (0 = no limit). */
  requestTimeoutMs: number;
  /** Audit records older than this many days are deleted. */
  auditRetentionDays: number;
}

export const DEFAULT_SECURITY: SecuritySettings = {
  rateLimit: 1000,
  accessKeyFailures: 5,
  accessKeyLockMs: 5 * 60_000,
  loginFailures: 5,
  loginFailureWindowMs: 15 * 60_000,
  loginLockMs: 15 * 60_000,
  requestTimeoutMs: 30_000,
  auditRetentionDays: 90,
};
