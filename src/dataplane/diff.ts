import type { WireNic, WirePlan, WireSegment, WireServer } from "../domain/portsec/topology.js";
import type { ObservedIface, ObservedWire } from "./wire-state.js";

/** One step towards the plan: a command, or removing a namespace (its processes are killed first). */
export type WireOp = { what: string; argv: string[]; input?: string } | { what: string; removeNamespace: string };

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

function nicIntact(nic: WireNic, dpLink: ObservedIface | undefined, inside: ObservedIface | undefined): boolean {
  return (
    dpLink?.kind === "veth" &&
    dpLink.master === nic.bridge &&
    inside !== undefined &&
    inside.alias === nic.link &&
    inside.mac === nic.mac &&
    // Only the fixed IP is ours: addresses added inside the server (keepalived's VIP) belong to its user.
    (nic.address === undefined || inside.addresses.includes(nic.address))
  );
}

function gatewayIntact(segment: WireSegment, dpLink: ObservedIface | undefined, inside?: ObservedIface): boolean {
  return (
    dpLink?.kind === "veth" &&
    dpLink.master === segment.bridge &&
    dpLink.up &&
    inside?.up === true &&
    inside.mac === segment.gatewayMac &&
    sameSet(inside.addresses, segment.gatewayAddress ? [segment.gatewayAddress] : [])
  );
}

class OpList {
  readonly ops: WireOp[] = [];
  constructor(readonly dp: string) {}
  ip(what: string, ...argv: string[]): void {
    this.ops.push({ what, argv: ["ip", ...argv] });
  }
  addNamespace(namespace: string, what: string): void {
    this.ip(what, "netns", "add", namespace);
    this.ip(`${namespace}: lo up`, "-n", namespace, "link", "set", "lo", "up");
  }
}

/**
 * The steps that turn `observed` into `plan`, in a safe order: removals, bridges, the port-security rules, then links
 * (a new NIC link is never unprotected; a NIC link without its chain is dropped by the catch-all rule).
 */
export function diffWire(plan: WirePlan, observed: ObservedWire): WireOp[] {
  const out = new OpList(plan.dataplaneNamespace);
  const dp = out.dp;
  if (!observed.namespaces.has(dp)) out.addNamespace(dp, `create the data plane's namespace ${dp}`);

  const wanted = new Set<string>([dp]);
  for (const segment of plan.segments) wanted.add(segment.gatewayNamespace);
  for (const server of plan.servers) wanted.add(server.namespace);

  const ifacesOf = (namespace: string) => observed.namespaceIfaces.get(namespace) ?? new Map<string, ObservedIface>();
  const keep = new Set<string>();
  const rebuildGateways = new Set<WireSegment>();
  const rebuildNics = new Set<WireNic>();
  for (const segment of plan.segments) {
    if (observed.dataplaneLinks.get(segment.bridge)?.kind === "bridge") keep.add(segment.bridge);
    const inside = ifacesOf(segment.gatewayNamespace).get("gw0");
    if (keep.has(segment.bridge) && gatewayIntact(segment, observed.dataplaneLinks.get(segment.gatewayLink), inside)) {
      keep.add(segment.gatewayLink);
    } else rebuildGateways.add(segment);
  }
  for (const server of plan.servers) {
    for (const nic of server.nics) {
      const inside = ifacesOf(server.namespace).get(nic.ifname);
      if (keep.has(nic.bridge) && nicIntact(nic, observed.dataplaneLinks.get(nic.link), inside)) keep.add(nic.link);
      else rebuildNics.add(nic);
    }
  }
  // Stale or broken links go first (veths before bridges): deleting one end of a veth removes both.
  const stale = [...observed.dataplaneLinks.values()].filter((link) => !keep.has(link.ifname));
  for (const link of [...stale.filter((l) => l.kind !== "bridge"), ...stale.filter((l) => l.kind === "bridge")]) {
    out.ip(`remove link ${link.ifname}`, "-n", dp, "link", "del", link.ifname);
  }
  const removedAliases = new Set(stale.map((link) => link.ifname));
  // Namespaces after their links (removing a namespace also removes the bridge-side ends of its veths).
  for (const namespace of [...observed.namespaces].sort()) {
    if (!wanted.has(namespace)) out.ops.push({ what: `remove namespace ${namespace}`, removeNamespace: namespace });
  }

  // Bridges, then the rules: a bridge-family table loaded before a bridge existed was seen not to filter that
  // bridge's traffic, so the rules are loaded again whenever a bridge is created. No new NIC link exists yet here.
  let bridgeCreated = false;
  for (const segment of plan.segments) {
    if (keep.has(segment.bridge)) continue;
    bridgeCreated = true;
    out.ip(
      `create bridge ${segment.bridge} (subnet ${segment.subnetId})`,
      "-n",
      dp,
      "link",
      "add",
      segment.bridge,
      "type",
      "bridge",
    );
    out.ip(`${segment.bridge} up`, "-n", dp, "link", "set", segment.bridge, "up");
  }
  if (bridgeCreated || observed.ruleset !== plan.ruleset) {
    out.ops.push({
      what: "apply port-security rules",
      argv: ["ip", "netns", "exec", dp, "nft", "-f", "-"],
      input: plan.ruleset,
    });
  }
  for (const segment of plan.segments) {
    if (rebuildGateways.has(segment)) buildGateway(out, segment, observed, removedAliases);
  }
  for (const server of plan.servers) buildServer(out, server, observed, rebuildNics, removedAliases);
  return out.ops;
}

function buildGateway(out: OpList, segment: WireSegment, observed: ObservedWire, removed: Set<string>): void {
  const ns = segment.gatewayNamespace;
  if (!observed.namespaces.has(ns)) out.addNamespace(ns, `create gateway namespace ${ns}`);
  const inside = observed.namespaceIfaces.get(ns)?.get("gw0");
  if (inside && !removed.has(segment.gatewayLink)) out.ip(`${ns}: remove stale gw0`, "-n", ns, "link", "del", "gw0");
  out.ip(
    `create gateway link ${segment.gatewayLink} (subnet ${segment.subnetId})`,
    ...["-n", out.dp, "link", "add", segment.gatewayLink, "type", "veth"],
    ...["peer", "name", "gw0", "address", segment.gatewayMac, "netns", ns],
  );
  out.ip(
    `${segment.gatewayLink} on ${segment.bridge}`,
    "-n",
    out.dp,
    "link",
    "set",
    segment.gatewayLink,
    "master",
    segment.bridge,
    "up",
  );
  if (segment.gatewayAddress) {
    out.ip(`${ns}: gateway ${segment.gatewayAddress}`, "-n", ns, "addr", "add", segment.gatewayAddress, "dev", "gw0");
  }
  out.ip(`${ns}: gw0 up`, "-n", ns, "link", "set", "gw0", "up");
}

function buildServer(
  out: OpList,
  server: WireServer,
  observed: ObservedWire,
  rebuild: Set<WireNic>,
  removed: Set<string>,
): void {
  const ns = server.namespace;
  const state = server.up ? "up" : "down";
  const existing = observed.namespaces.has(ns);
  if (!existing) out.addNamespace(ns, `create server namespace ${ns} (server ${server.serverId})`);
  const inside = observed.namespaceIfaces.get(ns) ?? new Map<string, ObservedIface>();
  const desiredNames = new Set(server.nics.map((nic) => nic.ifname));
  // Interfaces the server should not have (a deleted NIC whose peer is already gone would not be listed).
  for (const iface of inside.values()) {
    const peerRemoved = iface.alias !== undefined && removed.has(iface.alias);
    const kept =
      desiredNames.has(iface.ifname) && !rebuild.has(server.nics.find((n) => n.ifname === iface.ifname) as WireNic);
    if (!kept && !peerRemoved) out.ip(`${ns}: remove ${iface.ifname}`, "-n", ns, "link", "del", iface.ifname);
  }
  let linksChanged = false;
  for (const nic of server.nics) {
    const seen = inside.get(nic.ifname);
    if (rebuild.has(nic)) {
      linksChanged = true;
      out.ip(
        `create ${nic.ifname} of server ${server.serverId} (link ${nic.link}, ${nic.mac}, ${nic.address ?? "no address"})`,
        ...["-n", out.dp, "link", "add", nic.link, "type", "veth"],
        ...["peer", "name", nic.ifname, "address", nic.mac, "netns", ns],
      );
      out.ip(`${ns}: ${nic.ifname} alias ${nic.link}`, "-n", ns, "link", "set", nic.ifname, "alias", nic.link);
      out.ip(
        `${nic.link} on ${nic.bridge}, ${state}`,
        "-n",
        out.dp,
        "link",
        "set",
        nic.link,
        "master",
        nic.bridge,
        state,
      );
      if (nic.address)
        out.ip(`${ns}: ${nic.ifname} ${nic.address}`, "-n", ns, "addr", "add", nic.address, "dev", nic.ifname);
      out.ip(`${ns}: ${nic.ifname} ${state}`, "-n", ns, "link", "set", nic.ifname, state);
    } else if (seen?.up !== server.up || observed.dataplaneLinks.get(nic.link)?.up !== server.up) {
      linksChanged = true;
      out.ip(`${nic.link} ${state}`, "-n", out.dp, "link", "set", nic.link, state);
      out.ip(
        `${ns}: ${nic.ifname} ${state} (server ${server.up ? "started" : "stopped"})`,
        "-n",
        ns,
        "link",
        "set",
        nic.ifname,
        state,
      );
    }
  }
  const primary = server.nics[0];
  const wantRoute = server.up && primary !== undefined ? server.defaultGateway : undefined;
  const haveRoute = linksChanged ? undefined : observed.defaultRoutes.get(ns);
  if (wantRoute !== undefined && primary !== undefined && wantRoute !== haveRoute) {
    out.ip(
      `${ns}: default via ${wantRoute}`,
      "-n",
      ns,
      "route",
      "replace",
      "default",
      "via",
      wantRoute,
      "dev",
      primary.ifname,
    );
  }
}
