/**
 * `column` is one of `values`, written with a single parameter whatever the list's length, so an id list of any
 * length reuses one prepared statement instead of adding a statement per length: an array parameter on PostgreSQL,
 * a JSON array read by json_each on SQLite.
 */
export function inList(
  dialect: "sqlite" | "postgres",
  column: string,
  values: readonly string[],
): { sql: string; param: unknown } {
  if (dialect === "postgres") return { sql: `${column} = ANY(?)`, param: [...values] };
  return { sql: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(values) };
}
