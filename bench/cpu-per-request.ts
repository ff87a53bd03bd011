/**
 * CPU of the ecs-vip process per bind/unbind request on SQLite, from /proc (bench/cpu.ts): the server process's CPU
 * before and after a fixed number of requests, divided by that number. Steadier than req/s on a shared machine,
 * and it counts only the server's own work (autocannon runs in this process).
 *
 *   node --import tsx bench/cpu-per-request.ts [--roots DIR[,DIR…]] [--runs 3] [--requests 20000]
 *                                               [--connections 50] [--auth token,aksk] [--rate-limit 1000000]
 *                                               [--log-level info] [--nics 400] [--cpu-prof DIR]
 *
 * Each root is a checkout with a build (`npm run build`): its `dist/main.js serve` is started once per auth mode on
 * a store of its own, and the measured rounds alternate between the roots (A B A B …) so that the machine's load
 * falls on both alike. The rate limit stays on but high enough never to refuse: its work is counted. Requests log
 * at info (the default) into a pipe this process drains and drops. Prints min / median / max µs per request.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { signedHeaders } from "../src/cli/api-client.js";
import { type ChildServer, REPO_ROOT, spawnServer } from "../test/support/child-server.js";
import { treeCpuMicros } from "./cpu.js";
import { buildWorld, identity, login, option, type World } from "./support.js";

const ROOTS = option("roots", REPO_ROOT).split(",");
const RUNS = Number(option("runs", "3"));
const REQUESTS = Number(option("requests", "20000"));
const CONNECTIONS = Number(option("connections", "50"));
const AUTHS = option("auth", "token,aksk").split(",") as AuthMode[];
const RATE_LIMIT = option("rate-limit", "1000000");
const LOG_LEVEL = option("log-level", "info");
const NICS = Number(option("nics", "400"));
const CPU_PROF = option("cpu-prof", "");

type AuthMode = "token" | "aksk";

interface Target {
  root: string;
  auth: AuthMode;
  server: ChildServer;
  world: World;
  dir: string;
  /** A token of this server's own store. */
  token: string;
  /** Requests sent so far: request n binds NIC n mod NICS on even rounds over the NICs, unbinds on odd ones. */
  sent: number;
  samples: number[];
}

function bindRequests(target: Target): autocannon.Request[] {
  const { world, server } = target;
  const base = server.url.replace(/\/$/, "");
  return [
    {
      method: "PUT",
      setupRequest: (request) => {
        const n = target.sent++;
        const nic = world.nics[n % world.nics.length] as World["nics"][number];
        const bind = Math.floor(n / world.nics.length) % 2 === 0;
        const path = `/v1/${identity.projectId}/cloudservers/nics/${nic.nicId}`;
        const body = JSON.stringify({
          nic: bind
            ? { subnet_id: world.subnetId, ip_address: nic.vip, reverse_binding: true }
            : { subnet_id: "", ip_address: "" },
        });
        const headers =
          target.auth === "token"
            ? { "content-type": "application/json", "x-auth-token": target.token }
            : signedHeaders(identity, "PUT", new URL(path, base), Buffer.from(body));
        return { ...request, method: "PUT", path, body, headers };
      },
    },
  ];
}

async function drive(target: Target, amount: number): Promise<{ non2xx: number; errors: number }> {
  const result = await autocannon({
    url: target.server.url,
    connections: CONNECTIONS,
    amount,
    requests: bindRequests(target),
  });
  return { non2xx: result.non2xx, errors: result.errors };
}

async function startTarget(root: string, auth: AuthMode, index: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-cpu-"));
  const server = await spawnServer({
    db: `sqlite:${join(dir, "bench.db")}`,
    identity,
    dataDir: dir,
    built: true,
    root,
    logLevel: LOG_LEVEL,
    args: ["--rate-limit", RATE_LIMIT],
    nodeArgs: CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", join(CPU_PROF, `${index}-${auth}`)] : [],
  });
  // Logs go into the pipe and are dropped, as a supervisor that keeps up would take them.
  server.child.stdout?.removeAllListeners("data");
  server.child.stdout?.resume();
  const api = await login(server.url);
  const world = await buildWorld(api, NICS);
  const target: Target = { root, auth, server, world, dir, token: api.token, sent: 0, samples: [] };
  const warm = await drive(target, Math.min(REQUESTS, 4 * NICS));
  if (warm.non2xx || warm.errors) throw new Error(`${root} (${auth}): warm-up had failures ${JSON.stringify(warm)}`);
  return target;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return `min ${sorted[0]?.toFixed(0)} / median ${median.toFixed(0)} / max ${sorted.at(-1)?.toFixed(0)} µs`;
}

const targets: Target[] = [];
try {
  for (const auth of AUTHS) {
    for (const [index, root] of ROOTS.entries()) targets.push(await startTarget(root, auth, index));
  }
  for (let run = 0; run < RUNS; run++) {
    for (const target of targets) {
      const pid = target.server.child.pid as number;
      const before = treeCpuMicros([pid]);
      const outcome = await drive(target, REQUESTS);
      const used = treeCpuMicros([pid]) - before;
      if (outcome.non2xx || outcome.errors) {
        throw new Error(`${target.root} (${target.auth}): ${JSON.stringify(outcome)}`);
      }
      target.samples.push(used / REQUESTS);
      process.stderr.write(
        `run ${run + 1} ${target.auth} ${target.root}: ${(used / REQUESTS).toFixed(1)} µs CPU per request\n`,
      );
    }
  }
  for (const target of targets) {
    process.stdout.write(`${target.auth.padEnd(5)} ${target.root}: ${summary(target.samples)} (${RUNS} runs)\n`);
  }
} finally {
  for (const target of targets) {
    await target.server.terminate();
    rmSync(target.dir, { recursive: true, force: true });
  }
}
