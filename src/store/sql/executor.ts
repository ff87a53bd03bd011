/** The little a SQL database must offer for the repositories (sql/unit-of-work.ts); statements use `?` placeholders. */
export interface SqlExecutor {
  readonly dialect: "sqlite" | "postgres";
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement that returns no rows; resolves to the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Where offered (PostgreSQL, see deferred-writes.ts): holds back a write whose outcome the unit of work does not
   * read, written as data-modifying CTEs, to travel with a later statement.
   */
  deferred?: DeferredWrites;
  /**
   * Where offered (PostgreSQL, postgres/pg-executor.ts): whether the next statement also commits the unit of work,
   * in the same round trip. Fault injection crashes before such a statement, the last point before the commit.
   */
  carriesCommit?(): boolean;
}

/** Writes held back to be sent in one statement with the next one (one round trip for several writes). */
export interface DeferredWrites {
  /**
   * Holds back the CTEs `build(n)` returns (named with the number `n`, unique in the statement) with their
   * parameters in text order; `key` names what they write: a second write of the same key first sends the first.
   */
  add(key: string, build: (n: number) => string[], params: unknown[]): Promise<void>;
  /** Takes everything held back, to lead the caller's own statement (which must then be sent). */
  take(): { ctes: string[]; params: unknown[] };
  /** Sends everything held back on its own. */
  flush(): Promise<void>;
}

/**
 * Statements this process has sent to its stores, counted by the executors; on PostgreSQL round trips: a BEGIN,
 * COMMIT or ROLLBACK sent on its own counts, one that travels with a statement does not (postgres/pg-executor.ts).
 * `/metrics` shows it as ecs_vip_store_statements_total, and the bench divides it by the requests answered to report
 * round trips per operation.
 */
export const storeStatements = { count: 0 };
