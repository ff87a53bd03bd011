import type { Page } from "../types.js";
import type { Dialect } from "./dialect.js";
import type { SqlExecutor } from "./executor.js";

type Row = Record<string, unknown>;

/**
 * One SELECT built from its parts: conditions (each with its `?` parameters, in text order), an order or a page,
 * a lock. A page reads forwards (after the marker) or backwards (Neutron's page_reverse: the rows before the marker,
 * fetched last-first and handed back in ascending order).
 */
export class Query {
  private readonly conditions: string[] = [];
  private readonly params: unknown[] = [];
  private order = "";
  private limitTo: number | undefined;
  private lockClause = "";
  private reversed = false;
  /** A condition that no row can meet (an empty id list): the query is not sent at all. */
  private nothing = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly from: string,
    private readonly columns = "*",
  ) {}

  /** A condition in SQL with its parameters. */
  where(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  /** A condition with one parameter, left out when the value is undefined (an optional filter). */
  whereDefined(condition: string, value: unknown): this {
    return value === undefined ? this : this.where(condition, value);
  }

  /** `column = value`, left out when the value is undefined. */
  equal(column: string, value: unknown): this {
    return this.whereDefined(`${column} = ?`, value);
  }

  /**
   * `column` is one of `values` (an empty list: no row matches), left out when the list is undefined; `within`
   * places the list condition inside a larger one (a subquery).
   */
  oneOf(column: string, values: readonly string[] | undefined, within = (list: string) => list): this {
    if (values === undefined) return this;
    if (values.length === 0) {
      this.nothing = true;
      return this;
    }
    const list = this.dialect.inList(column, values);
    return this.where(within(list.sql), list.param);
  }

  orderBy(order: string): this {
    this.order = order;
    return this;
  }

  limit(limit: number): this {
    this.limitTo = limit;
    return this;
  }

  /** The page of rows in `column` order; without a page, every row in that order. */
  page(page: Page | undefined, column = "id"): this {
    if (!page) return this.orderBy(column);
    this.reversed = page.reverse === true;
    if (page.marker !== undefined) this.where(`${column} ${this.reversed ? "<" : ">"} ?`, page.marker);
    return this.orderBy(`${column}${this.reversed ? " DESC" : ""}`).limit(page.limit);
  }

  /** Locks the rows read (see `Dialect.lock`). */
  forUpdate(options?: { forUpdate?: boolean }): this {
    this.lockClause = this.dialect.lock(options);
    return this;
  }

  /** The statement and its parameters. */
  toSql(): { sql: string; params: unknown[] } {
    let sql = `SELECT ${this.columns} FROM ${this.from}`;
    if (this.conditions.length > 0) sql += ` WHERE ${this.conditions.join(" AND ")}`;
    if (this.order) sql += ` ORDER BY ${this.order}`;
    const params = [...this.params];
    if (this.limitTo !== undefined) {
      sql += " LIMIT ?";
      params.push(this.limitTo);
    }
    return { sql: sql + this.lockClause, params };
  }

  /** The rows, in ascending order also for a backward page; none without a round trip when nothing can match. */
  async all<R = Row>(db: SqlExecutor): Promise<R[]> {
    if (this.nothing) return [];
    const { sql, params } = this.toSql();
    const rows = await db.all<R>(sql, params);
    return this.reversed ? rows.reverse() : rows;
  }

  async first<R = Row>(db: SqlExecutor): Promise<R | undefined> {
    return (await this.all<R>(db))[0];
  }
}
