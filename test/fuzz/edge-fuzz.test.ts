/**
 * Fuzzing the edge: ≥ 100,000 mutated requests over every route the app registers (in-process, app.inject, over
 * in-memory SQLite), authenticated (token, AK/SK) and not. Every answer: no 5xx, an X-Request-Id, every 4xx in the
 * envelope of the path's service (or the gateway's) with a code registered at that status; rejected requests leave
 * the store as it was (full dump compared around each one in half of the run, no committed write in the other half).
 *
 * Reproduce a run with FUZZ_SEED=<seed printed in the summary>; FUZZ_REQUESTS sets the count, FUZZ_VERIFY_SHARE the
 * share of the run with full dumps (1 = all), FUZZ_TALLY=1 prints answers by route, status and code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { expectFuzzDidWork, runFuzz } from "./run-fuzz.js";

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const VERIFY_SHARE = Number(process.env.FUZZ_VERIFY_SHARE ?? 0.5);

let app: InjectApp;

beforeAll(async () => {
  app = await createInjectApp({ limits: { serverBuildMs: 0 } });
});
afterAll(async () => app?.close());

describe("fuzzing every route", () => {
  it(`answers ${TOTAL} mutated requests without a 5xx, in registered envelopes, changing nothing when it rejects`, async () => {
    const tally = process.env.FUZZ_TALLY === "1" ? new Map<string, number>() : undefined;
    const result = await runFuzz(app, { label: "SQLite", total: TOTAL, seed: SEED, verifyShare: VERIFY_SHARE, tally });
    console.log(result.summary);
    if (tally) console.log([...tally.entries()].map(([key, n]) => `${key}: ${n}`).join("\n"));
    expect(result.failures).toEqual([]);
    expect(result.counts.c5xx).toBe(0);
    expectFuzzDidWork(result, TOTAL, "SQLite");
    // 165 s on an idle 2-core machine; room for a loaded one (no timing is asserted).
  }, 1_200_000);
});
