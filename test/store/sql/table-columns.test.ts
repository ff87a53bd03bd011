import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SERVER_COLUMN_NAMES, SUBNET_COLUMN_NAMES } from "../../../src/store/sql/table-columns.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";

describe("column lists of rows read as JSON objects", () => {
  it("name every column of the migrated tables, so a row read as JSON on SQLite misses none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-vip-columns-"));
    try {
      const path = join(dir, "store.db");
      await (await SqliteStore.open({ path, synchronous: "normal" })).close();
      const db = new Database(path, { readonly: true });
      const columns = (table: string) =>
        (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name);
      try {
        expect([...SERVER_COLUMN_NAMES].sort()).toEqual(columns("servers").sort());
        expect([...SUBNET_COLUMN_NAMES].sort()).toEqual(columns("subnets").sort());
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
