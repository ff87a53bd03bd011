/**
 * What `--sync full` costs against `--sync normal`: VIP writes per second and latency over HTTP, measured with
 * autocannon against a real `ecs-vip serve` child process on SQLite, both settings in the same run, alternating.
 *
 *   node --import tsx bench/durability.ts [--duration 10] [--connections 8] [--rounds 2] [--dir DIR]
 *
 * Every request is a real write (one committed transaction): each connection takes a NIC nobody else is using,
 * binds a VIP to it, unbinds it, and hands the NIC back. DIR (default: the OS temp dir) must be on the disk whose
 * fsync you want to measure; on tmpfs fsync is free and both settings look alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type autocannon from "autocannon";
import type { ChildServer } from "../test/support/child-server.js";
import { buildWorld, cannon, identity, login, option, startServers, stopServers, type World } from "./support.js";

type Sync = "full" | "normal";

const DURATION = Number(option("duration", "10"));
const WARMUP = 2;
const CONNECTIONS = Number(option("connections", "8"));
const ROUNDS = Number(option("rounds", "2"));
const BASE_DIR = option("dir", tmpdir());

interface Measurement {
  sync: Sync;
  round: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/**
 * Each connection takes a NIC nobody else is using, binds its VIP, unbinds it and hands the NIC back, so every
 * request is one committed write and no two requests in flight touch the same NIC.
 */
function bindUnbind(url: string, token: string, world: World, seconds: number): Promise<autocannon.Result> {
  const free = [...world.nics];
  type Context = { nic?: World["nics"][number] };
  return cannon({
    urls: [url],
    token,
    connections: CONNECTIONS,
    seconds,
    requests: [
      {
        method: "PUT",
        setupRequest: (request, context: Context) => {
          context.nic ??= free.shift();
          if (!context.nic) throw new Error("no free NIC: more connections than NICs");
          return {
            ...request,
            path: `/v1/${identity.projectId}/cloudservers/nics/${context.nic.nicId}`,
            body: JSON.stringify({ nic: { subnet_id: world.subnetId, ip_address: context.nic.vip } }),
          };
        },
      },
      {
        method: "PUT",
        setupRequest: (request, context: Context) => ({
          ...request,
          path: `/v1/${identity.projectId}/cloudservers/nics/${context.nic?.nicId}`,
          body: JSON.stringify({ nic: { subnet_id: "", ip_address: "" } }),
        }),
        onResponse: (_status, _body, context: Context) => {
          if (context.nic) free.push(context.nic);
        },
      },
    ],
  });
}

async function measure(sync: Sync, round: number): Promise<Measurement> {
  const dir = mkdtempSync(join(BASE_DIR, `ecs-vip-bench-${sync}-`));
  let servers: ChildServer[] = [];
  try {
    servers = await startServers(`sqlite:${join(dir, "ecs-vip.db")}`, dir, 1, ["--sync", sync]);
    const { url } = servers[0] as ChildServer;
    const api = await login(url);
    // Twice as many NICs as connections: a connection always finds a free one.
    const world = await buildWorld(api, CONNECTIONS * 2);
    await bindUnbind(url, api.token, world, WARMUP);
    const result = await bindUnbind(url, api.token, world, DURATION);
    return {
      sync,
      round,
      requests: result.requests.total,
      perSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  console.log(
    `ecs-vip durability bench: SQLite in ${BASE_DIR}, ${CONNECTIONS} connections, ${DURATION} s per run ` +
      `(+${WARMUP} s warm-up), ${ROUNDS} round(s), bind/unbind alternating (each request one committed write)`,
  );
  const results: Measurement[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sync of ["full", "normal"] as const) {
      const m = await measure(sync, round);
      results.push(m);
      console.log(
        `round ${round} --sync ${sync.padEnd(6)} ${m.perSecond.toFixed(0).padStart(6)} writes/s  ` +
          `p50 ${m.p50.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms  max ${m.max.toFixed(1)} ms  ` +
          `(${m.requests} requests, ${m.non2xx} non-2xx, ${m.errors} errors)`,
      );
    }
  }
  const summary = (sync: Sync) => {
    const runs = results.filter((m) => m.sync === sync);
    return { perSecond: mean(runs.map((m) => m.perSecond)), p99: mean(runs.map((m) => m.p99)) };
  };
  const full = summary("full");
  const normal = summary("normal");
  console.log(
    `\nmean over ${ROUNDS} round(s):\n` +
      `  --sync full    ${full.perSecond.toFixed(0)} writes/s (${(full.perSecond / 2).toFixed(0)} binds/s), p99 ${full.p99.toFixed(1)} ms\n` +
      `  --sync normal  ${normal.perSecond.toFixed(0)} writes/s (${(normal.perSecond / 2).toFixed(0)} binds/s), p99 ${normal.p99.toFixed(1)} ms\n` +
      `  normal/full: ${(normal.perSecond / full.perSecond).toFixed(2)}x throughput, p99 ${(full.p99 / normal.p99).toFixed(2)}x lower`,
  );
  if (results.some((m) => m.non2xx > 0 || m.errors > 0)) {
    console.error("some requests failed: the figures above are not valid");
    process.exitCode = 1;
  }
}

await main();
