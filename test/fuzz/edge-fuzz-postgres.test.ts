/**
 * The in-process fuzz on PostgreSQL: the same generator and verdicts, over the store whose SQL errors differ most
 * from SQLite's (text with NUL bytes, integer ranges, encodings). Skipped without ECS_VIP_TEST_PG (CI sets it).
 * FUZZ_PG_REQUESTS sets the count.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { createTestDatabase, NEEDS_PG } from "../support/postgres.js";
import { expectFuzzDidWork, runFuzz } from "./run-fuzz.js";

const TOTAL = Number(process.env.FUZZ_PG_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("fuzzing every route on PostgreSQL"), () => {
  let app: InjectApp;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    app = await createInjectApp({ limits: { serverBuildMs: 0 }, postgresUrl: database.url });
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it(`answers ${TOTAL} mutated requests without a 5xx, changing nothing when it rejects`, async () => {
    const result = await runFuzz(app, { label: "PostgreSQL", total: TOTAL, seed: SEED, verifyShare: 0.25 });
    console.log(result.summary);
    expect(result.failures).toEqual([]);
    expect(result.counts.c5xx).toBe(0);
    expectFuzzDidWork(result, TOTAL, "PostgreSQL");
  }, 600_000);
});
