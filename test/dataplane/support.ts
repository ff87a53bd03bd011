import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChildServer, type Identity, runCli, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";

function works(argv: string[]): boolean {
  return spawnSync(argv[0] as string, argv.slice(1), { stdio: "ignore" }).status === 0;
}

/** Why the data-plane tests cannot run here, or undefined when they can (root, netns, ip, nft, keepalived, ping). */
export function dataplaneSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root";
  for (const [argv, pkg] of [
    [["ip", "-V"], "iproute2"],
    [["nft", "--version"], "nftables"],
    [["keepalived", "--version"], "keepalived"],
    [["ping", "-V"], "iputils-ping"],
    [["sysctl", "-n", "kernel.ostype"], "procps"],
  ] as const) {
    if (!works([...argv])) return `needs the Debian package ${pkg}`;
  }
  const probe = `evprobe${randomBytes(3).toString("hex")}`;
  if (!works(["ip", "netns", "add", probe])) return "cannot create network namespaces here";
  works(["ip", "netns", "del", probe]);
  return undefined;
}

export const SKIP_REASON = dataplaneSkipReason();
export const SKIP_TITLE = SKIP_REASON ? ` (skipped: data plane tests ${SKIP_REASON})` : "";

/** A prefix no other run uses, so parallel runs never share a namespace. */
export function uniquePrefix(): string {
  return `evt${randomBytes(4).toString("hex")}`;
}

export function identity(): Identity {
  return {
    projectId: randomBytes(16).toString("hex"),
    accessKey: `AK${randomBytes(8).toString("hex").toUpperCase()}`,
    secretKey: randomBytes(20).toString("base64url"),
    password: "Test-Passw0rd",
  };
}

export interface DataplaneServer {
  server: ChildServer;
  api: ApiClient;
  db: string;
  dir: string;
  prefix: string;
  identity: Identity;
}

/** `ecs-vip serve --dataplane netns` in a child process, logged in. */
export async function startDataplaneServer(
  options: {
    prefix?: string;
    dir?: string;
    identity?: Identity;
    env?: Record<string, string>;
    /** Options for node itself (the benchmark's `--cpu-prof`). */
    nodeArgs?: string[];
  } = {},
): Promise<DataplaneServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "ecs-vip-dp-"));
  const prefix = options.prefix ?? uniquePrefix();
  const id = options.identity ?? identity();
  const db = `sqlite:${join(dir, "ecs-vip.db")}`;
  const server = await spawnServer({
    db,
    identity: id,
    dataDir: dir,
    args: ["--dataplane", "netns", "--build-ms", "200", "--sync", "normal"],
    env: { ECS_VIP_DATAPLANE_PREFIX: prefix, ...options.env },
    nodeArgs: options.nodeArgs,
  });
  const api = await ApiClient.login(server.url, id.projectId, id.password);
  return { server, api, db, dir, prefix, identity: id };
}

export function cli(args: string[]) {
  return runCli(args);
}

export function namespaces(prefix: string): string[] {
  const out = execFileSync("ip", ["-j", "netns", "list"], { encoding: "utf8" }).trim();
  const list = out === "" ? [] : (JSON.parse(out) as { name: string }[]);
  return list.map((entry) => entry.name).filter((name) => name.startsWith(`${prefix}-`));
}

/** One ping from a namespace; true when answered. */
export function pingFrom(namespace: string, address: string, timeoutSeconds = 1): boolean {
  return works(["ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", String(timeoutSeconds), "-q", address]);
}

/**
 * Whether `address` answers within 3 s, echo requests sent once a second until one is answered. A link that has just
 * come up may lose the first ARP request (its neighbour entry failed while it was down): one echo with a 1 s wait
 * then failed now and then (1 run in 7 on a busy 2-core machine), though the wire was right.
 */
export function answersFrom(namespace: string, address: string, source?: string): boolean {
  const from = source ? ["-I", source] : [];
  return works(["ip", "netns", "exec", namespace, "ping", "-c", "1", "-w", "3", "-q", ...from, address]);
}

/** The host namespace as the tests compare it before and after: addresses, routes, nftables rules, namespaces. */
export function hostSnapshot(): { addr: unknown; route: unknown; nft: string } {
  const json = (args: string[]) => JSON.parse(execFileSync("ip", ["-j", ...args], { encoding: "utf8" }) || "[]");
  const addr = (json(["addr"]) as Record<string, unknown>[]).map((link) => ({
    ifname: link.ifname,
    address: link.address,
    flags: link.flags,
    addr_info: (link.addr_info as Record<string, unknown>[] | undefined)?.map((info) => ({
      family: info.family,
      local: info.local,
      prefixlen: info.prefixlen,
    })),
  }));
  return {
    addr,
    route: json(["route"]),
    nft: execFileSync("nft", ["list", "ruleset"], { encoding: "utf8" }),
  };
}

export async function until<T>(probe: () => T | Promise<T>, timeoutMs: number, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export function addressesIn(namespace: string): string[] {
  const out = execFileSync("ip", ["-n", namespace, "-j", "addr"], { encoding: "utf8" });
  return (JSON.parse(out) as { addr_info?: { local: string }[] }[]).flatMap((link) =>
    (link.addr_info ?? []).map((info) => info.local),
  );
}

/** The port-security table in the data plane's namespace, or "" when it is missing. */
export function rulesetOf(prefix: string): string {
  try {
    return execFileSync("ip", ["netns", "exec", `${prefix}-dp`, "nft", "list", "table", "bridge", "ecs_vip_portsec"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return "";
  }
}

/** Interfaces of a namespace with their state, `lo` left out. */
export function linksIn(namespace: string): { ifname: string; up: boolean; alias?: string }[] {
  const out = execFileSync("ip", ["-n", namespace, "-j", "link"], { encoding: "utf8" });
  return (JSON.parse(out) as { ifname: string; flags: string[]; ifalias?: string }[])
    .filter((link) => link.ifname !== "lo")
    .map((link) => ({ ifname: link.ifname, up: link.flags.includes("UP"), alias: link.ifalias }));
}
