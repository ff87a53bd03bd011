/** The little a SQL dialect must offer for `SqlTx`; statements are written with `?` placeholders. */
export interface SqlExecutor {
  readonly dialect: "sqlite" | "postgres";
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement that returns no rows; resolves to the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * Statements this process has sent to its stores, counted by the executors (and BEGIN/COMMIT/ROLLBACK on
 * PostgreSQL, where each is a round trip too): `/metrics` shows it as ecs_vip_store_statements_total, and the bench
 * divides it by the requests answered to report round trips per operation.
 */
export const storeStatements = { count: 0 };
