/**
 * Bind/unbind throughput of ecs-vip: 1 process on SQLite, 1 process on PostgreSQL and 2 processes on PostgreSQL
 * (load split between them), measured in the same run with autocannon.
 *
 *   node --import tsx bench/bind-throughput.ts [--duration 10] [--connections 32] [--nics 256] [--pg URL]
 *
 * Every request is a real write: each NIC alternates between binding its own VIP (with reverse_binding, so both the
 * NIC and the VIP port change) and unbinding it, and a NIC comes round again only after all the others. PostgreSQL
 * comes from --pg, ECS_VIP_BENCH_PG or ECS_VIP_TEST_PG (a fresh database is created and dropped per configuration).
 * Not part of `npm test`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildServer } from "../test/support/child-server.js";
import { createDatabase } from "../test/support/postgres.js";
import {
  buildWorld,
  cannon,
  echoStderr,
  identity,
  login,
  option,
  startServers,
  stopServers,
  type World,
} from "./support.js";

const DURATION_S = Number(option("duration", "10"));
const WARMUP_S = Number(option("warmup", "2"));
const CONNECTIONS = Number(option("connections", "32"));
const NICS = Number(option("nics", "256"));
const SQLITE_SYNC = option("sqlite-sync", "full");
const PG_URL = option(
  "pg",
  process.env.ECS_VIP_BENCH_PG ?? process.env.ECS_VIP_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test",
);

interface Measurement {
  label: string;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives every process at once with one autocannon instance: its connections go round-robin over the URLs, so the
 * load is split evenly and latency percentiles cover all responses. Request n acts on NIC n mod NICS, binding its VIP
 * on even rounds and unbinding on odd ones; with NICS well above the connection count no two requests in flight ever
 * touch the same NIC, so every request changes the database.
 */
async function drive(
  label: string,
  urls: string[],
  world: World,
  authToken: string,
  seconds: number,
): Promise<Measurement> {
  let n = 0;
  const result = await cannon({
    urls,
    token: authToken,
    connections: CONNECTIONS,
    seconds,
    requests: [
      {
        method: "PUT",
        setupRequest: (request) => {
          const nic = world.nics[n % world.nics.length] as { nicId: string; vip: string };
          const bindRound = Math.floor(n / world.nics.length) % 2 === 0;
          n++;
          return {
            ...request,
            method: "PUT",
            path: `/v1/${identity.projectId}/cloudservers/nics/${nic.nicId}`,
            body: JSON.stringify({
              nic: bindRound
                ? { subnet_id: world.subnetId, ip_address: nic.vip, reverse_binding: true }
                : { subnet_id: "", ip_address: "" },
            }),
          };
        },
      },
    ],
  });
  const requests = result["2xx"] + result.non2xx;
  return {
    label,
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function measure(label: string, db: string, processes: number, extraArgs: string[] = []): Promise<Measurement> {
  const dataDir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-"));
  let children: ChildServer[] = [];
  try {
    children = await startServers(db, dataDir, processes, extraArgs);
    echoStderr(children);
    const api = await login((children[0] as ChildServer).url);
    const world = await buildWorld(api, NICS);
    const urls = children.map((child) => child.url);
    if (WARMUP_S > 0) await drive(`${label} (warm-up)`, urls, world, api.token, WARMUP_S);
    const result = await drive(label, urls, world, api.token, DURATION_S);
    process.stderr.write(
      `${label}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${result.non2xx} non-2xx, ${result.errors} errors\n`,
    );
    return result;
  } finally {
    await stopServers(children);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  process.stderr.write(
    `bind/unbind throughput: ${DURATION_S} s per configuration after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections, ` +
      `${NICS} NICs, ${availableParallelism()} CPUs, node ${process.version}\n`,
  );
  const results: Measurement[] = [];
  const sqliteDir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-sqlite-"));
  try {
    results.push(
      await measure(`SQLite, 1 process (--sync ${SQLITE_SYNC})`, `sqlite:${join(sqliteDir, "bench.db")}`, 1, [
        "--sync",
        SQLITE_SYNC,
      ]),
    );
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  for (const processes of [1, 2]) {
    const database = await createDatabase(PG_URL, "ecs_vip_bench_");
    try {
      results.push(
        await measure(`PostgreSQL, ${processes} process${processes > 1 ? "es" : ""}`, database.url, processes),
      );
    } finally {
      await database.drop();
    }
  }

  const [sqlite, pg1, pg2] = results as [Measurement, Measurement, Measurement];
  const rows = results.map((r) => ({
    configuration: r.label,
    "req/s": Math.round(r.rps),
    "p50 ms": r.p50,
    "p99 ms": r.p99,
    requests: r.requests,
    "non-2xx": r.non2xx,
    errors: r.errors,
    "vs SQLite": `${(r.rps / sqlite.rps).toFixed(2)}x`,
  }));
  console.table(rows);
  console.log(`PostgreSQL 2 processes / 1 process: ${(pg2.rps / pg1.rps).toFixed(2)}x`);
  console.log(JSON.stringify({ duration: DURATION_S, connections: CONNECTIONS, nics: NICS, results }, null, 2));
  if (results.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
