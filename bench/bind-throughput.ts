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
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { ApiClient } from "../test/support/client.js";
import { createNetwork, createServers } from "../test/support/world.js";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? (args[at + 1] as string) : fallback;
}

const DURATION_S = Number(option("duration", "10"));
const WARMUP_S = Number(option("warmup", "2"));
const CONNECTIONS = Number(option("connections", "32"));
const NICS = Number(option("nics", "256"));
const SQLITE_SYNC = option("sqlite-sync", "full");
const PG_URL = option(
  "pg",
  process.env.ECS_VIP_BENCH_PG ?? process.env.ECS_VIP_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test",
);

const identity = {
  projectId: randomBytes(16).toString("hex"),
  accessKey: `AK${randomBytes(8).toString("hex").toUpperCase()}`,
  secretKey: randomBytes(20).toString("base64url"),
  password: "Bench-Passw0rd",
};

interface Child {
  url: string;
  process: ChildProcess;
}

function startServer(db: string, dataDir: string, extraArgs: string[] = []): Promise<Child> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ECS_VIP_")));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/main.ts",
      "serve",
      "--port",
      "0",
      "--db",
      db,
      "--data-dir",
      dataDir,
      "--log-level",
      "warn",
      ...extraArgs,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...inherited,
        ECS_VIP_BOOTSTRAP_AK: identity.accessKey,
        ECS_VIP_BOOTSTRAP_SK: identity.secretKey,
        ECS_VIP_BOOTSTRAP_PROJECT_ID: identity.projectId,
        ECS_VIP_ADMIN_PASSWORD: identity.password,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /ecs-vip: serving on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], process: child });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      process.stderr.write(chunk);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function stopServer(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once("exit", resolve));
  child.process.kill("SIGTERM");
  await exited;
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ecs_vip_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function token(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v3/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", password: identity.password, domain: { name: "default" } } },
        },
        scope: { project: { id: identity.projectId } },
      },
    }),
  });
  if (response.status !== 201) throw new Error(`login failed: ${response.status}`);
  return response.headers.get("x-subject-token") ?? "";
}

/** One network, NICS servers, and a VIP address per NIC (10.0.8.0 upward, outside the NICs' own addresses). */
async function buildWorld(url: string, authToken: string) {
  const api = new ApiClient(url, identity.projectId, authToken);
  const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
  const nics: { nicId: string; vip: string }[] = [];
  for (let made = 0; made < NICS; made += 500) {
    const batch = await createServers(api, net.vpcId, net.subnetId, Math.min(500, NICS - made));
    for (const server of batch) {
      const k = nics.length;
      nics.push({ nicId: server.nicId, vip: `10.0.${8 + Math.floor(k / 256)}.${k % 256}` });
    }
  }
  return { subnetId: net.subnetId, nics };
}

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
  world: Awaited<ReturnType<typeof buildWorld>>,
  authToken: string,
  seconds: number,
): Promise<Measurement> {
  let n = 0;
  const result = await autocannon({
    // autocannon takes several URLs and spreads its connections over them; its typings only know one.
    url: urls as unknown as string,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", "x-auth-token": authToken },
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
  const children: Child[] = [];
  try {
    for (let i = 0; i < processes; i++) children.push(await startServer(db, dataDir, extraArgs));
    const first = (children[0] as Child).url;
    const authToken = await token(first);
    const world = await buildWorld(first, authToken);
    const urls = children.map((child) => child.url);
    if (WARMUP_S > 0) await drive(`${label} (warm-up)`, urls, world, authToken, WARMUP_S);
    const result = await drive(label, urls, world, authToken, DURATION_S);
    process.stderr.write(
      `${label}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${result.non2xx} non-2xx, ${result.errors} errors\n`,
    );
    return result;
  } finally {
    await Promise.all(children.map(stopServer));
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
    const database = await createDatabase();
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
