import { defineConfig } from "vitest/config";

// Every run takes files and tests in a shuffled order, so a test that leans on another's leftovers fails early;
// the seed is printed, and TEST_SEED replays an order.
const seed = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 1_000_000));
if (!Number.isSafeInteger(seed)) throw new Error(`TEST_SEED must be an integer, got ${process.env.TEST_SEED}`);
console.log(`test order: shuffled, seed ${seed} (TEST_SEED=${seed} replays it)`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Finds a local PostgreSQL for the PostgreSQL variants when ECS_VIP_TEST_PG is unset (see the file).
    globalSetup: ["test/support/postgres-probe.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    sequence: { shuffle: true, seed },
  },
});
