/**
 * `npm run bench` runs end to end at a tiny setting and writes its report as JSON of the documented shape. Nothing
 * here is timed: the figures of a shared CI machine mean nothing, the tool working does. PostgreSQL configurations
 * run when ECS_VIP_TEST_PG names a server, and are listed as skipped (with the reason) otherwise.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchReport } from "../../bench/run.js";
import { runNode } from "../support/child-server.js";

const out = mkdtempSync(join(tmpdir(), "ecs-vip-bench-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The bench finds PostgreSQL through these, so they pass through. */
const pgSettings = Object.fromEntries(
  ["ECS_VIP_TEST_PG", "ECS_VIP_BENCH_PG"].flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
);
const runBench = (args: string[]) => runNode(["--import", "tsx", "bench/run.ts", ...args], pgSettings);

const number = expect.any(Number);

describe("npm run bench --quick", () => {
  it("runs every configuration at a tiny size and writes one JSON report", { timeout: 240_000 }, async () => {
    // --no-build: rebuilding dist/ here would race the tests that run it (npm start).
    const args = ["--quick", "--no-build", "--duration", "0.5", "--warmup", "0", "--scale", "0.01", "--nics", "10"];
    const run = await runBench([...args, "--connections", "2", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z\.json$/);
    const report = JSON.parse(readFileSync(join(out, files[0] as string), "utf8")) as BenchReport;
    expect(run.stdout).toContain(`written ${join(out, files[0] as string)}`);

    expect(report).toMatchObject({
      version: 1,
      quick: true,
      settings: { durationS: 0.5, warmupS: 0, connections: 2, nics: 10, scale: 0.01, built: false },
      sizes: { bindSmall: number, bindLarge: number, allocSmall: 100, allocLarge: number },
      machine: { cpus: number, node: process.version },
    });
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));

    const configurations = report.results.map((result) => result.configuration);
    const pg = ["PostgreSQL, 1 process", "PostgreSQL, 2 processes"];
    const expected = [
      "baseline: bare Fastify",
      "SQLite, token",
      "SQLite, AK/SK",
      `SQLite, allocation, ${report.sizes.allocSmall} used`,
      `SQLite, token, ${report.sizes.bindLarge} ports`,
      `SQLite, allocation, ${report.sizes.allocLarge} used`,
    ];
    if (process.env.ECS_VIP_TEST_PG) {
      expect(configurations).toEqual([...expected, ...pg]);
      expect(report.skipped).toEqual([]);
    } else {
      expect(configurations).toEqual(expected);
      expect(report.skipped.map((skip) => skip.configuration)).toEqual(pg);
      expect(report.skipped[0]?.reason).toMatch(/ECS_VIP_BENCH_PG/);
    }
    for (const result of report.results) {
      expect(result).toMatchObject({ requests: number, rps: number, p50: number, p99: number, max: number });
      expect(result.non2xx + result.errors, result.configuration).toBe(0);
      expect(result.ratio).toEqual(expect.any(Number));
      if (result.configuration.startsWith("baseline")) {
        expect([result.ratio, result.statementsPerRequest, result.rssMb]).toEqual([1, null, null]);
      } else {
        // Every request of an ecs-vip run reaches the store, and the server process was measured.
        expect(result.statementsPerRequest).toBeGreaterThan(0);
        expect(result.rssMb).toBeGreaterThan(0);
      }
    }
    expect(report.starts.map((start) => start.configuration)).toEqual(["SQLite, small store", "SQLite, large store"]);
    for (const start of report.starts) expect(start).toMatchObject({ ports: number, readyMs: number, rssMb: number });
    const operations = [
      "bind (creates the VIP port)",
      "unbind",
      "bind (VIP port exists)",
      "private IP assign (automatic)",
      "server create (1 NIC)",
    ];
    const stores = process.env.ECS_VIP_TEST_PG ? ["sqlite", "postgres"] : ["sqlite"];
    expect(report.roundTrips.map((row) => `${row.store} ${row.operation}`)).toEqual(
      stores.flatMap((store) => operations.map((operation) => `${store} ${operation}`)),
    );
    for (const row of report.roundTrips) expect(row.statements).toBeGreaterThan(0);
  });
});
