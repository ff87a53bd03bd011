/**
 * `npm run bench`: every throughput configuration of the issue in one run, one table, one JSON file.
 *
 *   npm run bench -- [--quick] [--duration S] [--warmup S] [--connections N] [--nics N] [--scale F] [--no-pg]
 *                    [--no-build] [--only baseline,sqlite,postgres,round-trips] [--cpu-prof DIR] [--rate R]
 *                    [--out DIR]
 *
 * Configurations (each an `ecs-vip serve` child process driven by autocannon from this process, on the same cores):
 *   - baseline: a bare Fastify route parsing the same PUT body (bench/baseline-server.ts), the ceiling for the rest;
 *   - bind/unbind on SQLite with a token and with AK/SK signatures, in a project of ~1,000 ports;
 *   - the same bind/unbind once the project holds ~100,000 ports (seeded straight into the store, not over HTTP);
 *   - automatic private-IP assignment (+ release) in a /16 with 100 and with 50,000 addresses in use;
 *   - bind/unbind on PostgreSQL with 1 and 2 processes, on a private cluster the bench starts (initdb's default
 *     settings: fsync and synchronous_commit on; test/support/private-postgres.ts, needs PostgreSQL 15 and root or the
 *     postgres user), or on the server --pg URL (or ECS_VIP_BENCH_PG) names, whose CPU is then not counted (other
 *     clients share it); skipped, with the reason printed, when neither can be had or --no-pg is given;
 *   - server start (spawn to /readyz 200) and its RSS with the small and the large store;
 *   - store statements (round trips) per operation, from each server's ecs_vip_store_statements_total, and per single
 *     bind, unbind, private-IP assignment and server create (counted in-process, see round-trips.ts);
 *   - CPU per operation over the measured window, from /proc (bench/cpu.ts): the server processes' (and their
 *     children's), and on the private PostgreSQL cluster its processes' (postmaster and backends), in µs per request.
 *     The load generator (this process) is not counted. The issue's target ratios are printed at the end.
 * --quick: 2 s per configuration after 1 s warm-up and a tenth of the large sizes (≈30 s of load); the default is
 * 10 s after 2 s with the full sizes. --scale multiplies the large sizes. Servers log requests at info, the default.
 * The servers run as `npm start` runs them, compiled: the bench runs `npm run build` first. --no-build runs the
 * sources through tsx instead (slower to start: tsx compiles them on each start).
 * Results go to bench/results/<timestamp>.json (git-ignored). Figures on a shared machine are noisy; ratios taken in
 * one run hold better than absolute rates.
 *
 * The older single-purpose benches stay separate: durability.ts (--sync full vs normal), login-flood.ts (login
 * floods against normal requests), dataplane-bind.ts (needs root), pg-floor.ts (the least a bind costs on PostgreSQL,
 * without HTTP, beside SQLite).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { signedHeaders } from "../src/cli/api-client.js";
import type { Port } from "../src/domain/model.js";
import { parseCidr } from "../src/domain/net/cidr.js";
import { formatIpv4 } from "../src/domain/net/ipv4.js";
import { openStore } from "../src/store/open-store.js";
import { type ChildServer, REPO_ROOT } from "../test/support/child-server.js";
import { ApiClient } from "../test/support/client.js";
import { createDatabase } from "../test/support/postgres.js";
import { PRIVATE_POSTGRES, type PrivateCluster, startPrivateCluster } from "../test/support/private-postgres.js";
import { createServers } from "../test/support/world.js";
import { postmasterPid, treeCpuMicros } from "./cpu.js";
import { type RoundTrip, roundTrips } from "./round-trips.js";
import { identity, option, startServers, stopServers } from "./support.js";

const QUICK = process.argv.includes("--quick");
/** Servers run compiled, as `npm start` runs them, unless --no-build. */
const BUILT = !process.argv.includes("--no-build");
const DURATION = Number(option("duration", QUICK ? "2" : "10"));
const WARMUP = Number(option("warmup", QUICK ? "1" : "2"));
const CONNECTIONS = Number(option("connections", "50"));
const NICS = Number(option("nics", QUICK ? "200" : "400"));
const SCALE = Number(option("scale", QUICK ? "0.1" : "1"));
const OUT_DIR = option("out", join(REPO_ROOT, "bench", "results"));
/**
 * Requests per second offered in all (autocannon's overallRate; default: as fast as answered). A fixed rate below
 * what both sides of an A/B manage makes their CPU per request comparable: background work (job polls, coalesced
 * notifications, audit batches) is then shared by as many requests on both.
 */
const RATE = Number(option("rate", "0"));
/** Where the servers write V8 CPU profiles (node --cpu-prof), if given. */
const CPU_PROF = option("cpu-prof", "");
/** Parts to run (all by default): `--only postgres` measures the PostgreSQL configurations alone. */
const ONLY = new Set(option("only", "baseline,sqlite,postgres,round-trips").split(","));
/** A PostgreSQL server named on the command line: used instead of a private cluster, its CPU not counted. */
const PG_URL = process.argv.includes("--no-pg") ? "" : option("pg", process.env.ECS_VIP_BENCH_PG ?? "");

/** Ports in the project for the small and large bind runs; addresses in use for the two allocation runs. */
const SIZES = {
  bindSmall: Math.max(1000, NICS + 200),
  bindLarge: Math.max(1000, NICS + 200, Math.round(100_000 * SCALE)),
  allocSmall: 100,
  allocLarge: Math.max(100, Math.round(50_000 * SCALE)),
};

export interface Result {
  configuration: string;
  operation: string;
  /** Ports in the project (bind runs) or addresses in use in the subnet (allocation runs). */
  size?: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** rps / the baseline's rps. */
  ratio: number | null;
  /** Store statements per request, summed over the configuration's processes (null for the baseline). */
  statementsPerRequest: number | null;
  /**
   * CPU µs per request over the measured window: the server processes' (the baseline's for the baseline), the
   * database's processes' (PostgreSQL on a private cluster; null otherwise), and their sum.
   */
  cpuUsPerRequest: { server: number; database: number | null; total: number };
  /** Resident memory of the (first) server process after the run, and its peak, in MB. */
  rssMb: number | null;
  peakRssMb: number | null;
  non2xx: number;
  errors: number;
}

export interface StartFigure {
  configuration: string;
  ports: number;
  /** From spawn to the first 200 of GET /readyz (with --no-build, tsx compiling the sources is counted in). */
  readyMs: number;
  rssMb: number;
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  settings: {
    durationS: number;
    warmupS: number;
    connections: number;
    nics: number;
    scale: number;
    built: boolean;
    /** Offered req/s (0: as fast as answered). */
    rate: number;
  };
  sizes: typeof SIZES;
  machine: { cpus: number; node: string; loadAverage: number[] };
  results: Result[];
  starts: StartFigure[];
  roundTrips: RoundTrip[];
  /** The issue's target ratios as measured in this run (null where a configuration is missing). */
  targets: Targets;
  skipped: { configuration: string; reason: string }[];
}

export interface Targets {
  /** SQLite bind/unbind (token) req/s / the bare Fastify route's. */
  sqliteVsBaselineThroughput: number | null;
  /** PostgreSQL (1 process) CPU per bind, server and database, / SQLite's. */
  postgresVsSqliteCpu: number | null;
  /** PostgreSQL (1 process) req/s / SQLite's. */
  postgresVsSqliteThroughput: number | null;
  /** PostgreSQL, 2 processes / 1: CPU per bind (all counted) and req/s. */
  twoVsOneProcessCpu: number | null;
  twoVsOneProcessThroughput: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes and their figures

function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rssMb: Math.round(kb("VmRSS") / 1024), peakRssMb: Math.round(kb("VmHWM") / 1024) };
  } catch {
    return undefined;
  }
}

async function statementsOf(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    total += Number(/^ecs_vip_store_statements_total (\d+(?:\.\d+)?)/m.exec(text)?.[1] ?? Number.NaN);
  }
  return total;
}

/** Servers on `db`, logging requests at info (the default) into a pipe this process drains and drops. */
async function start(db: string, dataDir: string, processes = 1): Promise<{ servers: ChildServer[]; readyMs: number }> {
  const started = performance.now();
  const nodeArgs = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", CPU_PROF] : [];
  const servers = await startServers(db, dataDir, processes, ["--log-level", "info"], BUILT, nodeArgs);
  for (const server of servers) {
    server.child.stdout?.removeAllListeners("data");
    server.child.stdout?.resume();
    while ((await fetch(`${server.url}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 10));
  }
  return { servers, readyMs: Math.round(performance.now() - started) };
}

function startBaseline(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/baseline-server.ts"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`baseline exited (${code}): ${out}`)));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Load

type Auth = { token: string } | { accessKey: string; secretKey: string };

function authHeaders(auth: Auth, method: string, base: string, path: string, body: string): Record<string, string> {
  if ("token" in auth) return { "content-type": "application/json", "x-auth-token": auth.token };
  return signedHeaders(
    { accessKey: auth.accessKey, secretKey: auth.secretKey, projectId: identity.projectId },
    method,
    new URL(path, base),
    Buffer.from(body),
  );
}

interface Load {
  urls: string[];
  requests: autocannon.Request[];
}

async function fire(load: Load, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    // autocannon spreads its connections over several URLs; its typings only know one.
    url: load.urls as unknown as string,
    connections: CONNECTIONS,
    duration: seconds,
    requests: load.requests,
    ...(RATE > 0 ? { overallRate: RATE } : {}),
  });
}

/** What a configuration's CPU is read from: the server processes, and the database's postmaster where counted. */
interface CpuSources {
  servers: number[];
  postmaster?: number;
}

function cpuNow(sources: CpuSources): { server: number; database: number | null } {
  return {
    server: treeCpuMicros(sources.servers),
    database: sources.postmaster === undefined ? null : treeCpuMicros([sources.postmaster]),
  };
}

function pidsOf(servers: ChildServer[]): number[] {
  return servers.map((server) => server.child.pid).filter((pid) => pid !== undefined);
}

/** Warms up, then measures one configuration; statements and CPU are counted over the measured part only. */
async function measure(
  configuration: string,
  operation: string,
  load: Load,
  servers: ChildServer[],
  size?: number,
  cpu: CpuSources = { servers: pidsOf(servers) },
): Promise<Result> {
  if (WARMUP > 0) await fire(load, WARMUP);
  const before = servers.length > 0 ? await statementsOf(load.urls) : 0;
  const cpuBefore = cpuNow(cpu);
  const result = await fire(load, DURATION);
  const cpuAfter = cpuNow(cpu);
  const after = servers.length > 0 ? await statementsOf(load.urls) : 0;
  const requests = result["2xx"] + result.non2xx;
  const perRequest = (micros: number) => (requests > 0 ? micros / requests : Number.NaN);
  const serverCpu = perRequest(cpuAfter.server - cpuBefore.server);
  const databaseCpu =
    cpuAfter.database === null || cpuBefore.database === null
      ? null
      : perRequest(cpuAfter.database - cpuBefore.database);
  const memory = memoryOf(servers[0]?.child.pid);
  const row: Result = {
    configuration,
    operation,
    ...(size === undefined ? {} : { size }),
    requests,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ratio: null,
    statementsPerRequest: servers.length > 0 && requests > 0 ? (after - before) / requests : null,
    cpuUsPerRequest: { server: serverCpu, database: databaseCpu, total: serverCpu + (databaseCpu ?? 0) },
    rssMb: memory?.rssMb ?? null,
    peakRssMb: memory?.peakRssMb ?? null,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  process.stderr.write(
    `${configuration}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms` +
      `${row.statementsPerRequest === null ? "" : `, ${row.statementsPerRequest.toFixed(1)} statements/request`}` +
      `, CPU ${serverCpu.toFixed(0)} µs/request${databaseCpu === null ? "" : ` + ${databaseCpu.toFixed(0)} µs in PostgreSQL`}` +
      `${row.non2xx || row.errors ? `, ${row.non2xx} non-2xx, ${row.errors} errors` : ""}\n`,
  );
  return row;
}

interface World {
  vpcId: string;
  /** Subnets by role: NICs and their VIPs; filler ports (two /16s); automatic allocation. */
  nicSubnet: string;
  fillerSubnets: string[];
  allocSubnet: string;
  nics: { nicId: string; vip: string }[];
}

/** Request n acts on NIC n mod NICS: bind its own VIP (reverse binding on) on even rounds, unbind on odd ones. */
function bindLoad(urls: string[], world: World, auth: Auth): Load {
  let n = 0;
  return {
    urls,
    requests: [
      {
        method: "PUT",
        setupRequest: (request) => {
          const nic = world.nics[n % world.nics.length] as World["nics"][number];
          const bindRound = Math.floor(n / world.nics.length) % 2 === 0;
          n++;
          const path = `/v1/${identity.projectId}/cloudservers/nics/${nic.nicId}`;
          const body = JSON.stringify({
            nic: bindRound
              ? { subnet_id: world.nicSubnet, ip_address: nic.vip, reverse_binding: true }
              : { subnet_id: "", ip_address: "" },
          });
          const base = (urls[0] as string).replace(/\/$/, "");
          return { ...request, method: "PUT", path, body, headers: authHeaders(auth, "PUT", base, path, body) };
        },
      },
    ],
  };
}

/** Each connection assigns an address automatically, then releases it: the subnet's use stays where it was. */
function allocLoad(urls: string[], world: World, token: string): Load {
  type Context = { privateIp?: string };
  const headers = { "content-type": "application/json", "x-auth-token": token };
  return {
    urls,
    requests: [
      {
        method: "POST",
        path: `/v1/${identity.projectId}/privateips`,
        headers,
        body: JSON.stringify({ privateips: [{ subnet_id: world.allocSubnet }] }),
        onResponse: (status, body, context: Context) => {
          context.privateIp = status === 200 ? JSON.parse(body).privateips[0].id : undefined;
        },
      },
      {
        method: "DELETE",
        setupRequest: (request, context: Context) => ({
          ...request,
          method: "DELETE",
          path: `/v1/${identity.projectId}/privateips/${context.privateIp ?? "none"}`,
          headers: { "x-auth-token": token },
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Worlds

async function call(
  api: ApiClient,
  method: string,
  path: string,
  body: unknown,
): Promise<{ vpc: { id: string }; subnet: { id: string } }> {
  const response = await api.call(method, api.p(path), body);
  if (response.status !== 200)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A /8 VPC with four /16 subnets, and NICS one-NIC servers in the first, each with a VIP address of its own. */
async function buildWorld(api: ApiClient): Promise<World> {
  const vpc = (await call(api, "POST", "/vpcs", { vpc: { name: "bench", cidr: "10.0.0.0/8" } })).vpc.id;
  const subnets: string[] = [];
  for (const [index, name] of ["nics", "filler-1", "filler-2", "alloc"].entries()) {
    const body = await call(api, "POST", "/subnets", {
      subnet: { name, cidr: `10.${index}.0.0/16`, gateway_ip: `10.${index}.0.1`, vpc_id: vpc },
    });
    subnets.push(body.subnet.id);
  }
  const [nicSubnet, filler1, filler2, allocSubnet] = subnets as [string, string, string, string];
  const nics: World["nics"] = [];
  for (let made = 0; made < NICS; made += 500) {
    for (const server of await createServers(api, vpc, nicSubnet, Math.min(500, NICS - made))) {
      const k = nics.length;
      nics.push({ nicId: server.nicId, vip: `10.0.${128 + Math.floor(k / 250)}.${1 + (k % 250)}` });
    }
  }
  return { vpcId: vpc, nicSubnet, fillerSubnets: [filler1, filler2], allocSubnet, nics };
}

/**
 * Adds `count` unowned ports (as private IPs are) to a subnet, straight through the store in large units of work,
 * each on the lowest free address; MACs count up past those the network holds. The server must be stopped (SQLite).
 */
async function seedPorts(db: string, subnetId: string, count: number): Promise<void> {
  if (count <= 0) return;
  const store = await openStore(db, { synchronous: "normal" });
  try {
    const subnet = await store.read((tx) => tx.networks.getSubnet(subnetId));
    const cidr = subnet ? parseCidr(subnet.cidr) : undefined;
    if (!subnet || !cidr) throw new Error(`no subnet ${subnetId}`);
    const held = new Set(
      (await store.read((tx) => tx.ports.list({ projectId: identity.projectId, networkId: subnet.networkId }))).map(
        (port) => port.macAddress,
      ),
    );
    let mac = 0x100000;
    const nextMac = () => {
      for (;;) {
        mac++;
        const hex = mac.toString(16).padStart(6, "0");
        const text = `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
        if (!held.has(text)) return text;
      }
    };
    const now = new Date().toISOString();
    for (let done = 0; done < count; ) {
      const batch = Math.min(5000, count - done);
      await store.write(async (tx) => {
        const ranges = await tx.networks.freeRanges(subnet.neutronSubnetId, cidr.network + 2, 64);
        const addresses: number[] = [];
        for (const range of ranges) {
          for (let a = range.first; a <= range.last && addresses.length < batch; a++) addresses.push(a);
        }
        if (addresses.length < batch) throw new Error(`subnet ${subnetId} is full`);
        for (const address of addresses) {
          const port: Port = {
            id: randomUUID(),
            projectId: identity.projectId,
            networkId: subnet.networkId,
            name: "",
            description: "",
            macAddress: nextMac(),
            deviceOwner: "",
            deviceId: "",
            status: "DOWN",
            adminStateUp: true,
            fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: formatIpv4(address) }],
            allowedAddressPairs: [],
            nicIndex: null,
            revisionNumber: 0,
            createdAt: now,
            updatedAt: now,
            securityGroupIds: [],
            portSecurityEnabled: true,
            extraDhcpOpts: [],
            bindingProfile: {},
          };
          await tx.ports.insert(port);
        }
      });
      done += batch;
    }
  } finally {
    await store.close();
  }
}

/** System ports every subnet of the world holds (gateway, DHCP, distributed router). */
const SYSTEM_PORTS = 4 * 3;

// ---------------------------------------------------------------------------------------------------------------
// Runs

async function sqliteRuns(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-"));
  const db = `sqlite:${join(dir, "bench.db")}`;
  try {
    let { servers } = await start(db, dir);
    const api = await ApiClient.login((servers[0] as ChildServer).url, identity.projectId, identity.password);
    const world = await buildWorld(api);
    await stopServers(servers);

    // Small: ~1,000 ports in the project, 100 addresses in use in the allocation subnet.
    const base = NICS + SYSTEM_PORTS;
    await seedPorts(db, world.allocSubnet, SIZES.allocSmall);
    await seedPorts(db, world.fillerSubnets[0] as string, SIZES.bindSmall - base - SIZES.allocSmall);
    let started = await start(db, dir);
    servers = started.servers;
    report.starts.push({
      configuration: "SQLite, small store",
      ports: SIZES.bindSmall,
      readyMs: started.readyMs,
      rssMb: memoryOf(servers[0]?.child.pid)?.rssMb ?? Number.NaN,
    });
    let urls = servers.map((server) => server.url);
    const login = await ApiClient.login(urls[0] as string, identity.projectId, identity.password);
    const token = { token: login.token };
    report.results.push(
      await measure("SQLite, token", "bind/unbind", bindLoad(urls, world, token), servers, SIZES.bindSmall),
    );
    report.results.push(
      await measure(
        "SQLite, AK/SK",
        "bind/unbind",
        bindLoad(urls, world, { accessKey: identity.accessKey, secretKey: identity.secretKey }),
        servers,
        SIZES.bindSmall,
      ),
    );
    report.results.push(
      await measure(
        `SQLite, allocation, ${SIZES.allocSmall} used`,
        "assign+release",
        allocLoad(urls, world, login.token),
        servers,
        SIZES.allocSmall,
      ),
    );
    await stopServers(servers);

    // Large: ~100,000 ports in the project, 50,000 addresses in use in the allocation subnet.
    await seedPorts(db, world.allocSubnet, SIZES.allocLarge - SIZES.allocSmall);
    const filler = SIZES.bindLarge - SIZES.bindSmall - (SIZES.allocLarge - SIZES.allocSmall);
    const firstFiller = Math.min(Math.max(filler, 0), 60_000 - (SIZES.bindSmall - base - SIZES.allocSmall));
    await seedPorts(db, world.fillerSubnets[0] as string, firstFiller);
    await seedPorts(db, world.fillerSubnets[1] as string, filler - firstFiller);
    started = await start(db, dir);
    servers = started.servers;
    report.starts.push({
      configuration: "SQLite, large store",
      ports: SIZES.bindLarge,
      readyMs: started.readyMs,
      rssMb: memoryOf(servers[0]?.child.pid)?.rssMb ?? Number.NaN,
    });
    urls = servers.map((server) => server.url);
    const again = await ApiClient.login(urls[0] as string, identity.projectId, identity.password);
    report.results.push(
      await measure(
        `SQLite, token, ${SIZES.bindLarge} ports`,
        "bind/unbind",
        bindLoad(urls, world, { token: again.token }),
        servers,
        SIZES.bindLarge,
      ),
    );
    report.results.push(
      await measure(
        `SQLite, allocation, ${SIZES.allocLarge} used`,
        "assign+release",
        allocLoad(urls, world, again.token),
        servers,
        SIZES.allocLarge,
      ),
    );
    await stopServers(servers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL server the PostgreSQL configurations run on: a private cluster unless --pg names one. */
interface BenchPostgres {
  /** URL of a database to create others from. */
  url: string;
  /** The private cluster's postmaster, whose processes' CPU is counted; undefined on a shared server. */
  postmaster?: number;
  close: () => Promise<void>;
}

async function openPostgres(report: BenchReport): Promise<BenchPostgres | undefined> {
  const skip = (reason: string) => {
    for (const configuration of ["PostgreSQL, 1 process", "PostgreSQL, 2 processes"]) {
      report.skipped.push({ configuration, reason });
    }
    process.stderr.write(`PostgreSQL skipped: ${reason}\n`);
    return undefined;
  };
  if (process.argv.includes("--no-pg")) return skip("--no-pg");
  if (PG_URL) {
    process.stderr.write(`PostgreSQL at ${PG_URL}: its CPU is not counted (other clients may share it)\n`);
    return { url: PG_URL, close: async () => undefined };
  }
  if (!PRIVATE_POSTGRES.available) {
    return skip(`no private cluster (${PRIVATE_POSTGRES.missing}); --pg URL names a server to use instead`);
  }
  // initdb's defaults, durability included (fsync, synchronous_commit on); only the port and address are set.
  const cluster: PrivateCluster = await startPrivateCluster({ settings: "" });
  return {
    url: cluster.url("postgres"),
    postmaster: postmasterPid(cluster.data),
    close: () => cluster.destroy(),
  };
}

/**
 * Gives the planner statistics of the world just built, as a deployment's autovacuum does within a minute of such a
 * change (the bench measures before that): on tables never analysed, each pooled connection makes its generic plans
 * on the estimates of empty tables, and the unbind's read then walks every fixed IP of the VPC (benchmarks.md, "Where
 * PostgreSQL's CPU per bind goes"). ANALYZE also invalidates the plans cached while building.
 */
async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}

async function postgresRuns(report: BenchReport, postgres: BenchPostgres): Promise<void> {
  const database = await createDatabase(postgres.url, "ecs_vip_bench_");
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-pg-"));
  let servers: ChildServer[] = [];
  try {
    servers = (await start(database.url, dir)).servers;
    const api = await ApiClient.login((servers[0] as ChildServer).url, identity.projectId, identity.password);
    const world = await buildWorld(api);
    await analyze(database.url);
    const size = NICS + SYSTEM_PORTS;
    report.results.push(
      await measure(
        "PostgreSQL, 1 process",
        "bind/unbind",
        bindLoad([(servers[0] as ChildServer).url], world, { token: api.token }),
        servers,
        size,
        { servers: pidsOf(servers), postmaster: postgres.postmaster },
      ),
    );
    const second = await start(database.url, dir);
    servers.push(...second.servers);
    report.results.push(
      await measure(
        "PostgreSQL, 2 processes",
        "bind/unbind",
        bindLoad(
          servers.map((server) => server.url),
          world,
          { token: api.token },
        ),
        servers,
        size,
        { servers: pidsOf(servers), postmaster: postgres.postmaster },
      ),
    );
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

function printTable(report: BenchReport): void {
  const fixed = (value: number | null, digits = 0) => (value === null ? "" : value.toFixed(digits));
  console.table(
    report.results.map((r) => ({
      configuration: r.configuration,
      operation: r.operation,
      "req/s": Math.round(r.rps),
      "p50 ms": r.p50,
      "p99 ms": r.p99,
      "max ms": r.max,
      "× baseline": fixed(r.ratio, 2),
      "stmts/req": fixed(r.statementsPerRequest, 1),
      "CPU µs/req server": fixed(r.cpuUsPerRequest.server),
      "CPU µs/req db": fixed(r.cpuUsPerRequest.database),
      "CPU µs/req sum": fixed(r.cpuUsPerRequest.total),
      "RSS MB": r.rssMb ?? "",
      "non-2xx": r.non2xx,
      errors: r.errors,
    })),
  );
  if (report.starts.length > 0) console.table(report.starts);
  if (report.roundTrips.length > 0) console.table(report.roundTrips);
  for (const skip of report.skipped) console.log(`skipped ${skip.configuration}: ${skip.reason}`);
  const by = (name: string) => report.results.find((r) => r.configuration.startsWith(name));
  const ratio = (a?: Result, b?: Result) => (a && b ? (a.rps / b.rps).toFixed(2) : "n/a");
  const token = by("SQLite, token");
  const target = (value: number | null, goal: string) =>
    `${value === null ? "n/a" : value.toFixed(2)} (target ${goal})`;
  console.log(
    [
      `AK/SK / token: ${ratio(by("SQLite, AK/SK"), token)}`,
      `${SIZES.bindLarge} ports / ${SIZES.bindSmall} ports: ${ratio(by(`SQLite, token, ${SIZES.bindLarge}`), token)}`,
      `allocation ${SIZES.allocLarge} used / ${SIZES.allocSmall} used: ${ratio(
        by(`SQLite, allocation, ${SIZES.allocLarge}`),
        by(`SQLite, allocation, ${SIZES.allocSmall} `),
      )}`,
      `targets: SQLite / bare Fastify req/s: ${target(report.targets.sqliteVsBaselineThroughput, "≥ 0.2")}`,
      `  SQLite p99: ${token ? `${token.p99} ms` : "n/a"} (target ≤ 10 ms)`,
      `  PostgreSQL 1 process / SQLite, CPU per bind (server + database): ${target(report.targets.postgresVsSqliteCpu, "≤ 2")}`,
      `  PostgreSQL 1 process / SQLite req/s: ${target(report.targets.postgresVsSqliteThroughput, "≥ 0.5")}`,
      `  PostgreSQL 2 processes / 1, CPU per bind: ${target(report.targets.twoVsOneProcessCpu, "≤ 1.15")}`,
      `  PostgreSQL 2 processes / 1, req/s: ${target(report.targets.twoVsOneProcessThroughput, "≥ 0.95")}`,
    ].join("\n"),
  );
}

function targetsOf(report: BenchReport): Targets {
  const by = (name: string) => report.results.find((r) => r.configuration.startsWith(name));
  const quotient = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || !Number.isFinite(a / b) ? null : a / b;
  const baseline = by("baseline");
  const sqlite = by("SQLite, token");
  const one = by("PostgreSQL, 1");
  const two = by("PostgreSQL, 2");
  // CPU on PostgreSQL counts only where the database's own was measured (a private cluster).
  const pgCpu = (r?: Result) => (r?.cpuUsPerRequest.database === null ? undefined : r?.cpuUsPerRequest.total);
  return {
    sqliteVsBaselineThroughput: quotient(sqlite?.rps, baseline?.rps),
    postgresVsSqliteCpu: quotient(pgCpu(one), sqlite?.cpuUsPerRequest.total),
    postgresVsSqliteThroughput: quotient(one?.rps, sqlite?.rps),
    twoVsOneProcessCpu: quotient(pgCpu(two), pgCpu(one)),
    twoVsOneProcessThroughput: quotient(two?.rps, one?.rps),
  };
}

async function baselineRun(report: BenchReport): Promise<void> {
  const baseline = await startBaseline();
  try {
    report.results.push(
      await measure(
        "baseline: bare Fastify",
        "PUT, same body",
        bindLoad([baseline.url], { nicSubnet: "s", nics: [{ nicId: "n", vip: "10.0.0.9" }] } as World, { token: "" }),
        [],
        undefined,
        { servers: baseline.child.pid === undefined ? [] : [baseline.child.pid] },
      ),
    );
  } finally {
    baseline.child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const report: BenchReport = {
    version: 1,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    quick: QUICK,
    settings: {
      durationS: DURATION,
      warmupS: WARMUP,
      connections: CONNECTIONS,
      nics: NICS,
      scale: SCALE,
      built: BUILT,
      rate: RATE,
    },
    sizes: SIZES,
    machine: { cpus: availableParallelism(), node: process.version, loadAverage: loadavg() },
    results: [],
    starts: [],
    roundTrips: [],
    targets: {
      sqliteVsBaselineThroughput: null,
      postgresVsSqliteCpu: null,
      postgresVsSqliteThroughput: null,
      twoVsOneProcessCpu: null,
      twoVsOneProcessThroughput: null,
    },
    skipped: [],
  };
  process.stderr.write(
    `bench: ${DURATION} s per configuration after ${WARMUP} s warm-up, ${CONNECTIONS} connections, ${NICS} NICs, ` +
      `sizes ${JSON.stringify(SIZES)}, ${availableParallelism()} CPUs, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}\n`,
  );
  if (BUILT) execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (ONLY.has("baseline")) await baselineRun(report);
  if (ONLY.has("sqlite")) await sqliteRuns(report);
  const postgres = ONLY.has("postgres") || ONLY.has("round-trips") ? await openPostgres(report) : undefined;
  try {
    if (postgres && ONLY.has("postgres")) await postgresRuns(report, postgres);
    if (ONLY.has("round-trips")) report.roundTrips = await roundTrips(postgres?.url ?? "");
  } finally {
    await postgres?.close();
  }
  const baselineRps = report.results.find((r) => r.configuration.startsWith("baseline"))?.rps ?? Number.NaN;
  for (const result of report.results) result.ratio = result.rps / baselineRps;
  report.targets = targetsOf(report);
  report.finishedAt = new Date().toISOString();
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${report.startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printTable(report);
  console.log(`written ${file}`);
  if (report.results.some((r) => r.errors > 0 || r.non2xx > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
