import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataplaneNames } from "../domain/portsec/names.js";
import { ipJson, run } from "./command.js";
import type { ObservedIface, ObservedWire } from "./wire-state.js";

interface IpLink {
  ifname: string;
  address?: string;
  flags?: string[];
  ifalias?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

function toIface(link: IpLink): ObservedIface {
  return {
    ifname: link.ifname,
    mac: (link.address ?? "").toLowerCase(),
    up: (link.flags ?? []).includes("UP"),
    alias: link.ifalias,
    master: link.master,
    kind: link.linkinfo?.info_kind,
    addresses: (link.addr_info ?? [])
      .filter((info) => info.family === "inet")
      .map((info) => `${info.local}/${info.prefixlen}`),
  };
}

async function ifacesIn(namespace: string): Promise<Map<string, ObservedIface>> {
  const links = await ipJson<IpLink>(["-n", namespace, "-d", "addr", "show"]);
  return new Map(links.filter((link) => link.ifname !== "lo").map((link) => [link.ifname, toIface(link)]));
}

/**
 * Reads the data plane's namespaces as they are now: one `ip -all netns exec` run for every namespace at once (a
 * thousand namespaces read one by one took seconds of process spawning), one per namespace if those fail.
 */
export async function observeWire(
  names: DataplaneNames,
  options: { serversInside?: boolean } = {},
): Promise<ObservedWire> {
  const listed = await ipJson<{ name: string }>(["netns", "list"]);
  const namespaces = new Set(listed.map((entry) => entry.name).filter((name) => names.owns(name)));
  const dataplaneLinks = namespaces.has(names.dataplaneNamespace)
    ? await ifacesIn(names.dataplaneNamespace)
    : new Map<string, ObservedIface>();
  const others = [...namespaces].filter((name) => name !== names.dataplaneNamespace);
  // Without `serversInside`, server namespaces are not read (a thousand take seconds): see `trustServersInside`.
  const read = options.serversInside === false ? others.filter((name) => !names.isServer(name)) : others;
  const { namespaceIfaces, defaultRoutes } = (await readAllAtOnce(new Set(read))) ?? (await readOneByOne(read));
  const forwarding = new Set<string>();
  for (const namespace of others) {
    if (names.isRouter(namespace) && (await sysctl(namespace, "net.ipv4.ip_forward")) === "1")
      forwarding.add(namespace);
  }
  const bridgedTrafficFiltered =
    namespaces.has(names.dataplaneNamespace) &&
    (await sysctl(names.dataplaneNamespace, "net.bridge.bridge-nf-call-iptables")) === "1";
  return {
    namespaces,
    dataplaneLinks,
    namespaceIfaces,
    defaultRoutes,
    forwarding,
    bridgedTrafficFiltered,
    serversUnread: options.serversInside === false,
  };
}

interface NamespaceReadings {
  namespaceIfaces: Map<string, Map<string, ObservedIface>>;
  defaultRoutes: Map<string, string | undefined>;
}

type Route = { gateway?: string; dev?: string };
const routeText = (route: Route | undefined) => route?.gateway ?? (route?.dev ? `dev ${route.dev}` : undefined);

/** `ip -all netns exec …` prints each namespace's answer after a `netns: NAME` line; the wanted ones by name. */
function splitByNamespace(output: string, wanted: Set<string>): Map<string, string> | undefined {
  const parts = new Map<string, string>();
  const blocks = output.split(/^netns: (.+)$/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const name = (blocks[i] as string).trim();
    if (wanted.has(name)) parts.set(name, (blocks[i + 1] as string).trim());
  }
  return [...wanted].every((name) => parts.has(name)) ? parts : undefined;
}

/** Both readings of every namespace from one `ip` per namespace, started once for all: `ip -all netns exec ip -b`. */
async function readAllAtOnce(wanted: Set<string>): Promise<NamespaceReadings | undefined> {
  if (wanted.size === 0) return { namespaceIfaces: new Map(), defaultRoutes: new Map() };
  const dir = await mkdtemp(join(tmpdir(), "ecs-vip-observe-"));
  try {
    const batch = join(dir, "observe.batch");
    await writeFile(batch, "addr show\nroute show default\n");
    const parts = splitByNamespace(await run(["ip", "-all", "netns", "exec", "ip", "-j", "-d", "-b", batch]), wanted);
    if (!parts) return undefined;
    const namespaceIfaces = new Map<string, Map<string, ObservedIface>>();
    const defaultRoutes = new Map<string, string | undefined>();
    for (const [name, text] of parts) {
      // One JSON array per line: the addresses, then the default routes.
      const [addresses = "[]", routes = "[]"] = text.split("\n").filter((line) => line.trim() !== "");
      const links = JSON.parse(addresses) as IpLink[];
      namespaceIfaces.set(name, new Map(links.filter((l) => l.ifname !== "lo").map((l) => [l.ifname, toIface(l)])));
      defaultRoutes.set(name, routeText((JSON.parse(routes) as Route[])[0]));
    }
    return { namespaceIfaces, defaultRoutes };
  } catch {
    return undefined; // a namespace vanished or answered oddly: read them one by one instead
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readOneByOne(namespaces: string[]): Promise<NamespaceReadings> {
  const namespaceIfaces = new Map<string, Map<string, ObservedIface>>();
  const defaultRoutes = new Map<string, string | undefined>();
  await Promise.all(
    namespaces.map(async (namespace) => {
      namespaceIfaces.set(namespace, await ifacesIn(namespace));
      defaultRoutes.set(namespace, routeText((await ipJson<Route>(["-n", namespace, "route", "show", "default"]))[0]));
    }),
  );
  return { namespaceIfaces, defaultRoutes };
}

/** A sysctl's value inside a namespace, or undefined when it cannot be read. */
async function sysctl(namespace: string, key: string): Promise<string | undefined> {
  return (await run(["ip", "netns", "exec", namespace, "sysctl", "-n", key]).catch(() => undefined))?.trim();
}
