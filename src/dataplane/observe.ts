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

/** Reads the data plane's namespaces as they are now (a few `ip -j` calls per namespace). */
export async function observeWire(names: DataplaneNames): Promise<ObservedWire> {
  const listed = await ipJson<{ name: string }>(["netns", "list"]);
  const namespaces = new Set(listed.map((entry) => entry.name).filter((name) => names.owns(name)));
  const dataplaneLinks = namespaces.has(names.dataplaneNamespace)
    ? await ifacesIn(names.dataplaneNamespace)
    : new Map<string, ObservedIface>();
  const namespaceIfaces = new Map<string, Map<string, ObservedIface>>();
  const defaultRoutes = new Map<string, string | undefined>();
  const forwarding = new Set<string>();
  const others = [...namespaces].filter((name) => name !== names.dataplaneNamespace);
  await Promise.all(
    others.map(async (namespace) => {
      namespaceIfaces.set(namespace, await ifacesIn(namespace));
      const routes = await ipJson<{ gateway?: string; dev?: string }>(["-n", namespace, "route", "show", "default"]);
      const route = routes[0];
      defaultRoutes.set(namespace, route?.gateway ?? (route?.dev ? `dev ${route.dev}` : undefined));
      if (names.isRouter(namespace) && (await sysctl(namespace, "net.ipv4.ip_forward")) === "1") {
        forwarding.add(namespace);
      }
    }),
  );
  const bridgedTrafficFiltered =
    namespaces.has(names.dataplaneNamespace) &&
    (await sysctl(names.dataplaneNamespace, "net.bridge.bridge-nf-call-iptables")) === "1";
  return { namespaces, dataplaneLinks, namespaceIfaces, defaultRoutes, forwarding, bridgedTrafficFiltered };
}

/** A sysctl's value inside a namespace, or undefined when it cannot be read. */
async function sysctl(namespace: string, key: string): Promise<string | undefined> {
  return (await run(["ip", "netns", "exec", namespace, "sysctl", "-n", key]).catch(() => undefined))?.trim();
}
