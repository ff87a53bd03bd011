import { type ConflictReason, StoreConflictError, StoreUnavailableError, uniqueConstraintName } from "../errors.js";
import { unavailability } from "./connection-failures.js";

/**
 * SQLSTATEs that mean "another transaction won the race; re-run the unit of work against fresh data": serialization
 * failure, deadlock, unique violation (someone inserted the same key first) and foreign key violation (someone
 * deleted the parent row, or added a child to the row being deleted, after this transaction read it).
 */
const CONFLICT_CODES: ReadonlyMap<string, ConflictReason> = new Map([
  ["40001", "serialization"],
  ["40P01", "deadlock"],
  ["23505", "unique"],
  ["23503", "foreign-key"],
]);

/** `Key (network_id, ip_address)=(…) already exists.` on table fixed_ips → `fixed_ips(network_id, ip_address)`. */
function pgUniqueConstraint(error: { table?: string; detail?: string; constraint?: string }): string | undefined {
  const columns = /^Key \(([^)]*)\)=/.exec(error.detail ?? "")?.[1];
  if (error.table === undefined || columns === undefined) return error.constraint;
  return uniqueConstraintName(
    error.table,
    columns.split(",").map((column) => column.trim()),
  );
}

/**
 * A store error for what pg threw: a lost race, or a database that is unavailable for now. `retryable` marks an
 * unavailability met before COMMIT was sent: the unit of work did not commit and may run again on another connection.
 */
export function classify(error: unknown, options: { retryable?: boolean } = {}): unknown {
  if (error instanceof StoreUnavailableError) {
    const retryable = error.reason !== "timed-out" && (options.retryable ?? error.retryable);
    if (retryable === error.retryable) return error;
    return new StoreUnavailableError(error.message, error.reason, { cause: error.cause, retryable });
  }
  if (error instanceof StoreConflictError) return error;
  const unavailable = unavailability(error);
  if (unavailable !== undefined) {
    return new StoreUnavailableError(`PostgreSQL unavailable: ${(error as Error).message}`, unavailable, {
      cause: error,
      retryable: unavailable !== "timed-out" && (options.retryable ?? false),
    });
  }
  const code = (error as { code?: string }).code;
  const reason = code === undefined ? undefined : CONFLICT_CODES.get(code);
  if (reason === undefined) return error;
  const constraint = reason === "unique" ? pgUniqueConstraint(error as { table?: string; detail?: string }) : undefined;
  return new StoreConflictError((error as Error).message, constraint, reason);
}
