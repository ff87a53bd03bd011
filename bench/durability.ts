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
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

type Sync = "full" | "normal";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const DURATION = Number(option("duration", "10"));
const WARMUP = 2;
const CONNECTIONS = Number(option("connections", "8"));
const ROUNDS = Number(option("rounds", "2"));
const BASE_DIR = option("dir", tmpdir());

const identity = {
  projectId: randomBytes(16).toString("hex"),
  accessKey: `AK${randomBytes(8).toString("hex").toUpperCase()}`,
  secretKey: randomBytes(20).toString("base64url"),
  password: "Bench-Passw0rd",
};

async function startServer(db: string, dataDir: string, sync: Sync): Promise<{ url: string; child: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("ECS_VIP_")) delete env[key];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/main.ts", "serve", "--port", "0", "--db", db, "--sync", sync, "--data-dir", dataDir],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...env,
        ECS_VIP_LOG_LEVEL: "warn",
        ECS_VIP_BOOTSTRAP_AK: identity.accessKey,
        ECS_VIP_BOOTSTRAP_SK: identity.secretKey,
        ECS_VIP_BOOTSTRAP_PROJECT_ID: identity.projectId,
        ECS_VIP_ADMIN_PASSWORD: identity.password,
      },
    },
  );
  let out = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before serving:\n${out}`)));
  });
  return { url, child };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON answers of the API under test, read field by field
async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "Content-Type": "application/json", "X-Auth-Token": token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

interface World {
  token: string;
  subnetId: string;
  nics: { nicId: string; vip: string }[];
}

/** A VPC, a subnet and twice as many one-NIC servers as connections, through the API. */
async function buildWorld(url: string): Promise<World> {
  const login = await fetch(`${url}/v3/auth/tokens`, {
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
  const token = login.headers.get("x-subject-token") ?? "";
  const p = `/v1/${identity.projectId}`;
  const vpc = await call(url, token, "POST", `${p}/vpcs`, { vpc: { name: "bench", cidr: "10.0.0.0/16" } });
  const subnet = await call(url, token, "POST", `${p}/subnets`, {
    subnet: { name: "bench", cidr: "10.0.0.0/20", gateway_ip: "10.0.0.1", vpc_id: vpc.vpc.id },
  });
  const subnetId: string = subnet.subnet.id;
  const created = await call(url, token, "POST", `${p}/cloudservers`, {
    server: {
      name: "bench",
      imageRef: "image",
      flavorRef: "s6.small.1",
      vpcid: vpc.vpc.id,
      nics: [{ subnet_id: subnetId }],
      root_volume: { volumetype: "SSD" },
      count: CONNECTIONS * 2,
    },
  });
  for (;;) {
    const job = await call(url, token, "GET", `${p}/jobs/${created.job_id}`);
    if (job.status === "SUCCESS") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const nics: World["nics"] = [];
  for (const [index, serverId] of (created.serverIds as string[]).entries()) {
    const attached = await call(url, token, "GET", `${p}/cloudservers/${serverId}/os-interface`);
    nics.push({ nicId: attached.interfaceAttachments[0].port_id, vip: `10.0.1.${10 + index}` });
  }
  return { token, subnetId, nics };
}

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

function cannon(url: string, world: World, seconds: number): Promise<autocannon.Result> {
  const free = [...world.nics];
  type Context = { nic?: World["nics"][number] };
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", "x-auth-token": world.token },
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
  const { url, child } = await startServer(`sqlite:${join(dir, "ecs-vip.db")}`, dir, sync);
  try {
    const world = await buildWorld(url);
    await cannon(url, world, WARMUP);
    const result = await cannon(url, world, DURATION);
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
    await stopServer(child);
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
