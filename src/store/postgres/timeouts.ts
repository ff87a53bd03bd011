/**
 * How long to wait for one PostgreSQL server to accept and answer a connection before trying the next host (or giving
 * up). Per host, as libpq's connect_timeout: with two hosts a request waits at most twice this for a connection.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** The longest one statement may run; a server that stops answering fails the statement instead of hanging. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export interface PgTimeouts {
  connectionTimeoutMillis: number;
  statement_timeout: number;
  query_timeout: number;
}

function positiveInteger(text: string | null): number | undefined {
  if (text === null) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Connect and statement timeouts for a pool, so a server that accepts connections but never answers makes `serve`
 * and `check` fail with a message instead of waiting forever. The URL may set them as libpq does:
 * `?connect_timeout=SECONDS` and `?statement_timeout=MS`. The client-side query timeout is a little longer than the
 * statement timeout, so the server's own cancellation (a clean error) normally comes first.
 */
export function pgTimeouts(params: URLSearchParams): PgTimeouts {
  const connectSeconds = positiveInteger(params.get("connect_timeout"));
  const statementMs = positiveInteger(params.get("statement_timeout")) ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    connectionTimeoutMillis: connectSeconds !== undefined ? connectSeconds * 1000 : DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: statementMs,
    query_timeout: statementMs + 5_000,
  };
}
