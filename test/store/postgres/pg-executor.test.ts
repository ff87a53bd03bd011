/**
 * A unit of work's BEGIN travels with its first statement and its COMMIT with its last, as `EXECUTE name(literals)`
 * in one simple query (pg-executor.ts). Values must arrive there exactly as bound parameters arrive, whatever they
 * hold, the answers must be the statement's own, and a failure must leave nothing committed.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgExecutor } from "../../../src/store/postgres/pg-executor.js";
import { storeStatements } from "../../../src/store/sql/executor.js";
import { createTestDatabase, NEEDS_PG } from "../../support/postgres.js";

const AWKWARD = [
  "it's",
  "back\\slash \\' and ''",
  "ünïcødé ✓ 🎉",
  '{"json": "with \\"quotes\\""}',
  "$1 ? $$dollar$$ ; COMMIT; --",
  "",
];

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("BEGIN and COMMIT in one round trip with a statement"), () => {
  let drop: () => Promise<void>;
  let pool: pg.Pool;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    // One connection: every unit of work below finds the statements prepared by the ones before.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const client = await pool.connect();
    await client.query("CREATE TABLE items (id TEXT PRIMARY KEY, tags TEXT, n INTEGER, flag BOOLEAN, note TEXT)");
    client.release();
  });

  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });

  /** A unit of work on the pool's connection: BEGIN with its first statement, COMMIT with `last`. */
  async function unitOfWork<T>(
    work: (db: PgExecutor) => Promise<unknown>,
    last: (db: PgExecutor) => Promise<T>,
  ): Promise<{ result: T; roundTrips: number }> {
    const client = await pool.connect();
    const before = storeStatements.count;
    const db = new PgExecutor(client, "BEGIN");
    try {
      await work(db);
      db.commitWithNext();
      const result = await last(db);
      await db.commit();
      return { result, roundTrips: storeStatements.count - before };
    } catch (error) {
      if (db.began) await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  const insert = (db: PgExecutor, id: string, values: unknown[]) =>
    db.run("INSERT INTO items (id, tags, n, flag, note) VALUES (?, ?, ?, ?, ?)", [id, ...values]);
  const read = (db: PgExecutor, id: string) =>
    db.all<{ id: string; tags: string; n: number; flag: boolean; note: string | null }>(
      "SELECT id, tags, n, flag, note FROM items WHERE id = ? OR id = ANY(?) ORDER BY id",
      [id, [id, "none'"]],
    );

  it("carries awkward values as literals exactly as it binds them, in one round trip each way", async () => {
    // First on this connection: prepared the ordinary way (BEGIN and COMMIT on their own).
    const first = await unitOfWork(
      (db) => read(db, "warm-up"),
      (db) => insert(db, "warm-up", ["[]", 0, false, null]),
    );
    expect(first.result).toBe(1);
    for (const [index, text] of AWKWARD.entries()) {
      const id = `item-${index}-${text}`;
      const written = await unitOfWork(
        (db) => read(db, id),
        (db) => insert(db, id, [JSON.stringify([text]), 1 - index * 7, index % 2 === 0, index === 0 ? null : text]),
      );
      // BEGIN + read, then insert + COMMIT: two round trips, and the insert's row count comes back.
      expect(written).toEqual({ result: 1, roundTrips: 2 });
      const { result: rows } = await unitOfWork(
        async () => undefined,
        (db) => read(db, id),
      );
      expect(rows).toEqual([
        { id, tags: JSON.stringify([text]), n: 1 - index * 7, flag: index % 2 === 0, note: index === 0 ? null : text },
      ]);
    }
  });

  it("commits nothing when the statement carrying COMMIT fails", async () => {
    const id = "conflict";
    await unitOfWork(
      (db) => read(db, id),
      (db) => insert(db, id, ["[]", 1, true, "first"]),
    );
    await expect(
      unitOfWork(
        (db) => db.run("UPDATE items SET note = ? WHERE id = ?", ["changed", id]),
        (db) => insert(db, id, ["[]", 2, true, "second"]),
      ),
    ).rejects.toMatchObject({ reason: "unique" });
    const { result: rows } = await unitOfWork(
      async () => undefined,
      (db) => read(db, id),
    );
    expect(rows.map((row) => row.note)).toEqual(["first"]);
  });

  it("refuses a statement after the COMMIT it sent, instead of running it outside the transaction", async () => {
    const client = await pool.connect();
    try {
      const db = new PgExecutor(client, "BEGIN");
      await read(db, "x");
      db.commitWithNext();
      await read(db, "x");
      await expect(read(db, "x")).rejects.toThrow(/after its unit of work's COMMIT/);
    } finally {
      client.release();
    }
  });
});
