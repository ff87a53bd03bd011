/** Why a write lost its race, whatever the database calls it. */
export type ConflictReason = "unique" | "foreign-key" | "serialization" | "deadlock";

/**
 * A write lost a race (unique violation, foreign key to a row someone just deleted, serialization failure,
 * deadlock): re-running the unit of work against fresh data may succeed. Every store raises this same error, so
 * SQLite and PostgreSQL cannot drift in how a broken constraint surfaces.
 */
export class StoreConflictError extends Error {
  constructor(
    message: string,
    /** The unique constraint that was violated, as `table(column, column)` on every store; undefined otherwise. */
    readonly constraint?: string,
    readonly reason: ConflictReason = "unique",
  ) {
    super(message);
    this.name = "StoreConflictError";
  }
}

/** The portable name of a unique constraint: `table(column, column)`. */
export function uniqueConstraintName(table: string, columns: readonly string[]): string {
  return `${table}(${columns.join(", ")})`;
}

/** Every attempt of a unit of work lost its race. */
export class StoreRetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`transaction still conflicting after ${attempts} attempts`, { cause });
    this.name = "StoreRetriesExhaustedError";
  }
}

/** Why the store cannot serve a unit of work right now, whatever the database. */
export type UnavailableReason = "unreachable" | "read-only" | "timed-out" | "disk-full";

/**
 * The database cannot do the work now, but may soon: PostgreSQL unreachable, restarting, or a node that turned
 * standby in a failover; SQLite's disk full. Callers answer "unavailable, retry later", never "internal error".
 * `retryable` says the unit of work certainly did not commit, so re-running it at once on a new connection is safe.
 */
export class StoreUnavailableError extends Error {
  readonly retryable: boolean;
  /** What each host tried answered, in order (empty where no connection was tried). */
  readonly failures: readonly unknown[];

  constructor(
    message: string,
    readonly reason: UnavailableReason,
    options: { cause?: unknown; retryable?: boolean; failures?: readonly unknown[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "StoreUnavailableError";
    this.retryable = options.retryable ?? false;
    this.failures = options.failures ?? [];
  }
}
