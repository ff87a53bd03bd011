/** The little a SQL dialect must offer for `SqlTx`; statements are written with `?` placeholders. */
export interface SqlExecutor {
  readonly dialect: "sqlite" | "postgres";
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement that returns no rows; resolves to the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}
