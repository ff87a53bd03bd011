/**
 * What both benchmarks share: their command-line options, `ecs-vip serve` child processes (through the tests'
 * spawnServer), a token, a world of NICs each with a VIP address of its own, and how autocannon is run against it.
 * Each benchmark keeps its own workload, figures and report.
 */
import autocannon from "autocannon";
import { type ChildServer, type Identity, spawnServer } from "../test/support/child-server.js";
import { ApiClient } from "../test/support/client.js";
import { testIdentity } from "../test/support/server.js";
import { createNetwork, createServers } from "../test/support/world.js";

/** `--name value` from the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? (args[at + 1] as string) : fallback;
}

/** The identity every server of one benchmark run bootstraps. */
export const identity: Identity = testIdentity();

/**
 * Starts `processes` servers on `db` one after the other, each `ecs-vip serve --port 0` with `args`; `built` runs
 * the compiled program (`npm start`'s) instead of the sources through tsx.
 */
export async function startServers(
  db: string,
  dataDir: string,
  processes = 1,
  args: string[] = [],
  built = false,
  /** Options for node itself (e.g. --cpu-prof). */
  nodeArgs: string[] = [],
): Promise<ChildServer[]> {
  const servers: ChildServer[] = [];
  try {
    for (let i = 0; i < processes; i++) {
      // No rate limit: benchmarks send thousands of requests a second with one token.
      const server = await spawnServer({
        db,
        identity,
        dataDir,
        built,
        nodeArgs,
        args: ["--rate-limit", "0", ...args],
      });
      servers.push(server);
    }
    return servers;
  } catch (error) {
    await stopServers(servers);
    throw error;
  }
}

/** From now on what `servers` write to stderr (warnings, errors) goes to this process's stderr, as it did so far. */
export function echoStderr(servers: ChildServer[]): void {
  for (const server of servers) {
    process.stderr.write(server.stderr());
    server.child.stderr?.on("data", (chunk: string) => process.stderr.write(chunk));
  }
}

export async function stopServers(servers: ChildServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.terminate()));
}

/** The benchmark project's admin, logged in at the server at `url`; its token serves every server of the run. */
export function login(url: string): Promise<ApiClient> {
  return ApiClient.login(url, identity.projectId, identity.password);
}

export interface World {
  subnetId: string;
  nics: { nicId: string; vip: string }[];
}

/** One network, `count` one-NIC servers, and a VIP address per NIC (10.0.8.0 upward, outside the NICs' own). */
export async function buildWorld(api: ApiClient, count: number): Promise<World> {
  const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
  const nics: World["nics"] = [];
  for (let made = 0; made < count; made += 500) {
    const batch = await createServers(api, net.vpcId, net.subnetId, Math.min(500, count - made));
    for (const server of batch) {
      const k = nics.length;
      nics.push({ nicId: server.nicId, vip: `10.0.${8 + Math.floor(k / 256)}.${k % 256}` });
    }
  }
  return { subnetId: net.subnetId, nics };
}

/** Runs autocannon for `seconds` with `connections` spread evenly over `urls`, every request sent with `token`. */
export function cannon(options: {
  urls: string[];
  token: string;
  connections: number;
  seconds: number;
  requests: autocannon.Request[];
}): Promise<autocannon.Result> {
  return autocannon({
    // autocannon takes several URLs and spreads its connections over them; its typings only know one.
    url: options.urls as unknown as string,
    connections: options.connections,
    duration: options.seconds,
    headers: { "content-type": "application/json", "x-auth-token": options.token },
    requests: options.requests,
  });
}
