/**
 * `/readyz`'s store check asks the database a question. A unit of work that sends nothing sends nothing on
 * PostgreSQL (no BEGIN), so a check that opened one and did no work answered "ready" from an idle pooled connection
 * while the primary had just gone (seen in the failover drill).
 */
import { afterEach, describe, expect, it } from "vitest";
import { storeAnswers } from "../../src/operations/readiness.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { storeStatements } from "../../src/store/sql/executor.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase, NEEDS_PG } from "../support/postgres.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function sentBy(store: Store): Promise<number> {
  const before = storeStatements.count;
  await storeAnswers(store);
  return storeStatements.count - before;
}

describe("the readiness check of the store", () => {
  it("sends one statement to SQLite", async () => {
    const store = await SqliteStore.open({ path: ":memory:" });
    closers.push(() => store.close());
    expect(await sentBy(store)).toBe(1);
  });

  it.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("sends one statement to PostgreSQL"), async () => {
    const database = await createTestDatabase();
    closers.push(database.drop);
    const store = await PostgresStore.open({ url: database.url });
    closers.push(() => store.close());
    expect(await sentBy(store)).toBe(1);
  });
});
