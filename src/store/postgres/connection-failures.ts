import type { UnavailableReason } from "../errors.js";

/** The node this session is on only reads now (a standby, or a primary demoted in a failover). */
export const READ_ONLY_TRANSACTION = "25006";

/** Socket errors: the server is not there, or the connection to it broke. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server that cannot work now but may soon: shutting down or crashed (57P01-57P03), out of connection
 * slots (53300), out of disk or memory (53100, 53200).
 */
const SERVER_CODES = new Set(["57P01", "57P02", "57P03", "53300", "53100", "53200"]);
/** A statement cancelled by statement_timeout. */
const STATEMENT_TIMEOUT = "57014";

/** What pg says, without a code, when a connection broke or could not be made in time. */
const PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused)/;

/**
 * Why an error from pg means "the database is unavailable, try again soon", or undefined when it is anything else
 * (a bug, a constraint, bad SQL) and must surface as such. "timed-out" (the statement or the client's query timeout
 * ran out) is no reason to run the work again at once: it would wait as long again.
 */
export function unavailability(error: unknown): UnavailableReason | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === READ_ONLY_TRANSACTION) return "read-only";
  if (code === STATEMENT_TIMEOUT) return "timed-out";
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith("08"))) {
    return "unreachable";
  }
  if (error instanceof AggregateError)
    return error.errors.some((each) => unavailability(each)) ? "unreachable" : undefined;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== "string") return undefined;
  if (message.startsWith("Query read timeout")) return "timed-out";
  return PG_MESSAGES.test(message) ? "unreachable" : undefined;
}
