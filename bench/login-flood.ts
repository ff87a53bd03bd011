/**
 * Latency of a normal request (GET /v1/{p}/vpcs with a token, one at a time) while idle, then while other clients
 * flood POST /v3/auth/tokens with wrong passwords for user names that do not exist (so no lock-out cuts the work
 * short). Prints p50/p99 of the normal request in both phases and their ratio.
 *
 *   node --import tsx bench/login-flood.ts [--seconds 5] [--flooders 16]
 *
 * Not part of `npm test`; on a shared machine the figures are rough.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { echoStderr, login, option, startServers, stopServers } from "./support.js";

const SECONDS = Number(option("seconds", "5"));
const FLOODERS = Number(option("flooders", "16"));
/** `--user admin` floods one existing user instead (wrong passwords; a lock-out may then end the work early). */
const USER = option("user", "");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function probe(url: string, token: string, projectId: string, seconds: number) {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/${projectId}/vpcs`, { headers: { "x-auth-token": token } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`probe answered ${response.status}`);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  if (latencies.length === 0) throw new Error("the probe made no request");
  return { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-flood-"));
// The rate limit is switched off: this measures the event loop, not the throttle.
const servers = await startServers(`sqlite:${join(dir, "ecs-vip.db")}`, dir, 1);
echoStderr(servers);
try {
  const url = (servers[0] as (typeof servers)[number]).url;
  const api = await login(url);
  const idle = await probe(url, api.token, api.projectId, SECONDS);
  let n = 0;
  const flood = autocannon({
    url: `${url}/v3/auth/tokens`,
    connections: FLOODERS,
    duration: SECONDS + 1,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            auth: {
              identity: {
                methods: ["password"],
                password: { user: { name: USER || `nobody-${n++}`, password: "wrong", domain: { name: "default" } } },
              },
            },
          }),
        }),
      },
    ],
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const loaded = await probe(url, api.token, api.projectId, SECONDS);
  const floodResult = await flood;
  const logins = floodResult.requests.total;
  if (logins === 0) throw new Error("the flood sent no login");
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  process.stdout.write(
    `idle:        ${idle.count} requests, p50 ${f(idle.p50)}, p99 ${f(idle.p99)}\n` +
      `login flood: ${loaded.count} requests, p50 ${f(loaded.p50)}, p99 ${f(loaded.p99)} ` +
      `(${logins} logins by ${FLOODERS} clients, statuses ${JSON.stringify(floodResult.statusCodeStats)})\n` +
      `p99 under flood / idle: ${(loaded.p99 / idle.p99).toFixed(1)}x\n`,
  );
} finally {
  await stopServers(servers);
  rmSync(dir, { recursive: true, force: true });
}
