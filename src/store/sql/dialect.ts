import type { ReadOptions } from "../types.js";

/**
 * What differs between SQLite and PostgreSQL for the repositories, in one place; every statement is otherwise the
 * same portable SQL with `?` placeholders.
 */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /**
   * Whether `SELECT … FOR UPDATE` locks rows and several transactions write at once (PostgreSQL). SQLite runs one
   * writer at a time, so it needs no row locks, and a read never waits for another transaction.
   */
  readonly rowLocks: boolean;
  /**
   * Whether writes may be data-modifying CTEs (`WITH x AS (UPDATE …)`), so several travel in one statement: one
   * round trip instead of several (PostgreSQL).
   */
  readonly writableCtes: boolean;
  /** ` FOR UPDATE` when asked for and the database has row locks; nothing otherwise. */
  lock(options?: ReadOptions): string;
  /**
   * `column` is one of `values`, written with a single parameter whatever the list's length, so an id list of any
   * length reuses one prepared statement instead of adding a statement per length: an array parameter on
   * PostgreSQL, a JSON array read by json_each on SQLite.
   */
  inList(column: string, values: readonly string[]): { sql: string; param: unknown };
  /** A JSON array of the SQL expressions. */
  jsonArray(...expressions: string[]): string;
  /** The JSON array of `expression` over the rows of a subquery, in `order` (`[]` when there are none). */
  jsonAggregate(expression: string, order: string): string;
  /** A JSON array value as the driver hands it over: parsed (PostgreSQL) or as text (SQLite). */
  parseJsonArray<T>(value: unknown): T[];
  /**
   * The row of `alias` (a table with these columns) as one JSON object, read back with `parseJsonObject`:
   * row_to_json on PostgreSQL, json_object over the columns on SQLite.
   */
  rowJson(alias: string, columns: readonly string[]): string;
  /** A JSON object value as the driver hands it over, parsed; undefined for SQL NULL. */
  parseJsonObject(value: unknown): Record<string, unknown> | undefined;
  /**
   * A table function over one `?` parameter holding a JSON array as text, one row per element in a column named
   * `value` (`value ->> 0` is its first member as text): many rows written by one statement of one shape.
   */
  readonly jsonElements: string;
}

const parseJsonArray = <T>(value: unknown): T[] => (typeof value === "string" ? JSON.parse(value) : value) as T[];
const parseJsonObject = (value: unknown): Record<string, unknown> | undefined =>
  value === null || value === undefined
    ? undefined
    : ((typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>);

export const SQLITE: Dialect = {
  name: "sqlite",
  rowLocks: false,
  writableCtes: false,
  lock: () => "",
  inList: (column, values) => ({ sql: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(values) }),
  jsonArray: (...expressions) => `json_array(${expressions.join(", ")})`,
  jsonAggregate: (expression, order) => `json_group_array(${expression} ORDER BY ${order})`,
  parseJsonArray,
  rowJson: (alias, columns) => `json_object(${columns.map((column) => `'${column}', ${alias}.${column}`).join(", ")})`,
  parseJsonObject,
  jsonElements: "json_each(?)",
};

export const POSTGRES: Dialect = {
  name: "postgres",
  rowLocks: true,
  writableCtes: true,
  lock: (options) => (options?.forUpdate ? " FOR UPDATE" : ""),
  inList: (column, values) => ({ sql: `${column} = ANY(?)`, param: [...values] }),
  jsonArray: (...expressions) => `json_build_array(${expressions.join(", ")})`,
  jsonAggregate: (expression, order) => `COALESCE(json_agg(${expression} ORDER BY ${order}), '[]')`,
  parseJsonArray,
  rowJson: (alias) => `row_to_json(${alias})`,
  parseJsonObject,
  jsonElements: "json_array_elements(?::json)",
};

export function dialectOf(name: "sqlite" | "postgres"): Dialect {
  return name === "postgres" ? POSTGRES : SQLITE;
}
