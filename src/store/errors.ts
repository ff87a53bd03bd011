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
