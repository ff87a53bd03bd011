import type { Command } from "commander";
import { StoreUnavailableError } from "../store/errors.js";

/** Wrong arguments: the message with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to show, when known. */
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** A failure already worded for the user (one line, no stack): exit 1. */
export class OperationalError extends Error {}

interface SystemErrorLike {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  path?: string;
  hostname?: string;
  errors?: unknown[];
  message?: string;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

function where(error: SystemErrorLike): string {
  if (error.address === undefined) return "";
  return error.port === undefined ? error.address : `${error.address}:${error.port}`;
}

/**
 * One line that says what went wrong for the failures a user meets when starting or pointing the CLI somewhere:
 * a port in use, a host that is not local, a database that cannot be reached or does not exist, a directory that
 * cannot be written. Anything else is its message's first line: never a stack trace.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof OperationalError) return error.message;
  // One host tried: say what it answered, as for any connection; with several, the error names each host's answer.
  if (error instanceof StoreUnavailableError && error.failures.length === 1) return describeFailure(error.failures[0]);
  const e = (error ?? {}) as SystemErrorLike;
  // Connecting to a name with several addresses fails with an AggregateError carrying one error per address.
  const inner = (e.code === undefined && Array.isArray(e.errors) ? e.errors[0] : e) as SystemErrorLike;
  const code = inner.code ?? e.code;
  switch (code) {
    case "EADDRINUSE":
      return `cannot listen on ${where(inner)}: the port is already in use (choose another with --port)`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${where(inner)}: the address is not one of this machine's (check --host)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve host ${inner.hostname ?? ""}`.trim();
    case "EACCES":
    case "EPERM":
      return inner.path !== undefined
        ? `permission denied: ${inner.path} (${inner.syscall ?? "access"})`
        : `permission denied: ${inner.syscall ?? "operation"} ${where(inner)}`.trim();
    case "EROFS":
      return `read-only file system: ${inner.path ?? ""}`.trim();
    case "ENOSPC":
      return `no space left on device: ${inner.path ?? ""}`.trim();
    case "ENOENT":
      return inner.path !== undefined ? `no such file or directory: ${inner.path}` : firstLine(String(inner.message));
    case "ECONNREFUSED":
      return `cannot connect to ${where(inner)}: connection refused`;
    case "ECONNRESET":
      return `connection to ${where(inner) || "the server"} was reset`;
    case "ETIMEDOUT":
      return `connection to ${where(inner) || "the server"} timed out`;
    case "3D000": // invalid_catalog_name
    case "28P01": // invalid_password
    case "28000": // invalid_authorization_specification
    case "57014": // query_canceled (statement_timeout)
      return `PostgreSQL: ${firstLine(String(inner.message))}`;
    case "SQLITE_CANTOPEN":
      return `SQLite: cannot open the database file (${firstLine(String(inner.message))})`;
  }
  const message = firstLine(String(inner.message ?? e.message ?? error));
  if (/connection timeout|timeout expired/i.test(message)) {
    return "PostgreSQL did not answer within the connect timeout (the URL may set ?connect_timeout=SECONDS)";
  }
  if (/query read timeout/i.test(message)) return "PostgreSQL stopped answering (statement timeout)";
  if (error instanceof Error) return firstLine(error.message);
  return firstLine(String(error));
}
