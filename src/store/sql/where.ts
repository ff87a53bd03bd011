import type { Page } from "../store.js";
import { inList } from "./in-list.js";

/** Builds `WHERE project_id = ? AND …` from equality terms, an id list and a page. */
export class Where {
  readonly params: unknown[];
  sql: string;
  empty = false;

  constructor(
    projectId: string,
    private readonly dialect: "sqlite" | "postgres",
  ) {
    this.sql = " WHERE project_id = ?";
    this.params = [projectId];
  }

  equal(column: string, value: unknown): this {
    if (value === undefined) return this;
    this.sql += ` AND ${column} = ?`;
    this.params.push(value);
    return this;
  }

  ids(ids: string[] | undefined): this {
    if (ids === undefined) return this;
    if (ids.length === 0) this.empty = true;
    else {
      const list = inList(this.dialect, "id", ids);
      this.sql += ` AND ${list.sql}`;
      this.params.push(list.param);
    }
    return this;
  }

  page(page: Page | undefined): string {
    if (!page) return `${this.sql} ORDER BY id`;
    if (page.marker !== undefined) {
      this.sql += " AND id > ?";
      this.params.push(page.marker);
    }
    this.params.push(page.limit);
    return `${this.sql} ORDER BY id LIMIT ?`;
  }
}
