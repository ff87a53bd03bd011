/**
 * Single-statement reads on PostgreSQL share one statement among the callers that asked for it before it was sent
 * (postgres-store.ts `sharedRead`): fewer round trips, and never an answer older than the caller's ask.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../../src/store/postgres/postgres-store.js";
import { storeStatements } from "../../../src/store/sql/executor.js";
import type { SqlUnitOfWork } from "../../../src/store/sql/unit-of-work.js";
import type { Tx } from "../../../src/store/store.js";
import { createTestDatabase, NEEDS_PG } from "../../support/postgres.js";

const revisionOf = (tx: Tx) => tx.iam.identityRevision();
const raiseRevision = (tx: Tx, n: number) =>
  tx.iam.revokeToken(`shared-read-${n}`, "2999-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z");

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("single-statement reads shared while they wait"), () => {
  let drop: () => Promise<void>;
  let store: PostgresStore;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    // Two connections: one a test holds, one for everything else.
    store = await PostgresStore.open({ url: database.url, poolSize: 2 });
  });

  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  it("answers every caller that asked while every connection was busy with one statement", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Both connections held by writes that send nothing until the gate opens.
    const held = [store.write(() => gate), store.write(() => gate)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = storeStatements.count;
    const reads = Array.from({ length: 10 }, () => store.read(revisionOf, { single: true }));
    release();
    await Promise.all(held);
    const answers = await Promise.all(reads);
    expect(storeStatements.count - before).toBe(1);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe(await store.read(revisionOf));
  });

  it("a caller that asks once the statement is on its way gets a read of its own, which sees what committed since", async () => {
    const before = await store.read(revisionOf);
    // The same statement and values as the identity read, made slow, so that it is in flight while a write commits.
    const sql = "SELECT revision, pg_sleep(0.3) FROM identity_revision WHERE id = ?";
    const slowRead = () =>
      store.read(
        async (tx) => {
          const rows = await (tx as unknown as SqlUnitOfWork).db.all<{ revision: number }>(sql, [1]);
          return Number(rows[0]?.revision);
        },
        { single: true },
      );
    const first = slowRead();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await store.write((tx) => raiseRevision(tx, 1));
    const second = slowRead();
    expect(await first).toBeGreaterThanOrEqual(before);
    expect(await second).toBeGreaterThan(before);
  });
});
