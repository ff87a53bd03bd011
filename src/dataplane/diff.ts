import { INTERNET_ADDRESS, UPLINK_ANCHOR, UPLINK_IFNAME } from "../domain/portsec/names.js";
import { diffRules, type RulesPlan, renderRules } from "../domain/portsec/rules-plan.js";
import type { WireNic, WirePlan, WireRouter, WireSegment, WireServer } from "../domain/portsec/topology.js";
import { INTERNET_CIDR, INTERNET_ROUTE, type ObservedIface, type ObservedWire } from "./wire-state.js";

/** One step towards the plan: a command, or removing a namespace (its processes are killed first). */
export type WireOp = { what: string; argv: string[]; input?: string } | { what: string; removeNamespace: string };

/** The step that changes rules incrementally (a few lines in one transaction). */
export const CHANGE_RULES = "change port-security and security-group rules";

/** What every full pass does again whatever it finds (loading rules is idempotent): not a repair worth reporting. */
export const RULES_OP_PREFIX = "apply ";

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

/** A veth whose bridge end sits on `bridge` and whose other end (`inside`) is up with this MAC and addresses. */
function linkIntact(
  bridge: string,
  dpLink: ObservedIface | undefined,
  inside: ObservedIface | undefined,
  mac: string | undefined,
  addresses: readonly string[] | undefined,
): boolean {
  return (
    dpLink?.kind === "veth" &&
    dpLink.master === bridge &&
    dpLink.up &&
    inside?.up === true &&
    (mac === undefined || inside.mac === mac) &&
    (addresses === undefined || sameSet(inside.addresses, addresses))
  );
}

class OpList {
  readonly ops: WireOp[] = [];
  constructor(readonly dp: string) {}
  ip(what: string, ...argv: string[]): void {
    this.ops.push({ what, argv: ["ip", ...argv] });
  }
  inside(what: string, namespace: string, ...argv: string[]): void {
    this.ops.push({ what, argv: ["ip", "netns", "exec", namespace, ...argv] });
  }
  addNamespace(namespace: string, what: string): void {
    this.ip(what, "netns", "add", namespace);
    this.ip(`${namespace}: lo up`, "-n", namespace, "link", "set", "lo", "up");
  }
  /** A veth from the data plane's namespace (`link`, on `bridge`) into `namespace` (as `ifname`), both ends up. */
  veth(what: string, link: string, bridge: string, namespace: string, ifname: string, mac?: string): void {
    const address = mac ? ["address", mac] : [];
    this.ip(
      what,
      "-n",
      this.dp,
      "link",
      "add",
      link,
      "type",
      "veth",
      "peer",
      "name",
      ifname,
      ...address,
      "netns",
      namespace,
    );
    this.ip(`${link} on ${bridge}`, "-n", this.dp, "link", "set", link, "master", bridge, "up");
    this.ip(`${namespace}: ${ifname} up`, "-n", namespace, "link", "set", ifname, "up");
  }
}

/**
 * The steps that turn `observed` into `plan`, in a safe order: removals, bridges, the rules (port security and
 * security groups), then links (a new NIC link is never unprotected: a NIC link without its chain is dropped by the
 * catch-all rule), routers and their NAT. `plan` and `observed` may hold only the parts one change touched (with
 * every segment and router); `wholeRules` then gives every rule, for the rare change that creates a bridge.
 */
export function diffWire(plan: WirePlan, observed: ObservedWire, wholeRules?: () => RulesPlan): WireOp[] {
  const out = new OpList(plan.dataplaneNamespace);
  const dp = out.dp;
  if (!observed.namespaces.has(dp)) out.addNamespace(dp, `create the data plane's namespace ${dp}`);
  if (!observed.bridgedTrafficFiltered) {
    out.inside(
      `${dp}: bridged IPv4 through the inet hooks`,
      dp,
      "sysctl",
      "-qw",
      "net.bridge.bridge-nf-call-iptables=1",
    );
  }

  const wanted = new Set<string>([dp, plan.internetNamespace]);
  for (const router of plan.routers) wanted.add(router.namespace);
  for (const server of plan.servers) wanted.add(server.namespace);

  const ifacesOf = (namespace: string) => observed.namespaceIfaces.get(namespace) ?? new Map<string, ObservedIface>();
  const dpLink = (name: string) => observed.dataplaneLinks.get(name);
  const keep = new Set<string>();
  const bridges = [plan.externalBridge, ...plan.segments.map((segment) => segment.bridge)];
  for (const bridge of bridges) if (dpLink(bridge)?.kind === "bridge") keep.add(bridge);

  const internetIntact =
    keep.has(plan.externalBridge) &&
    linkIntact(
      plan.externalBridge,
      dpLink(plan.internetLink),
      ifacesOf(plan.internetNamespace).get("eth0"),
      undefined,
      [INTERNET_CIDR],
    );
  if (internetIntact) keep.add(plan.internetLink);
  const rebuildUplinks = new Set<WireRouter>();
  for (const router of plan.routers) {
    const inside = ifacesOf(router.namespace).get(UPLINK_IFNAME);
    if (
      keep.has(plan.externalBridge) &&
      linkIntact(plan.externalBridge, dpLink(router.uplink), inside, router.uplinkMac, undefined)
    ) {
      keep.add(router.uplink);
    } else rebuildUplinks.add(router);
  }
  const rebuildGateways = new Set<WireSegment>();
  for (const segment of plan.segments) {
    const inside = ifacesOf(segment.routerNamespace).get(segment.gatewayLink);
    const addresses = segment.gatewayAddress ? [segment.gatewayAddress] : [];
    if (
      keep.has(segment.bridge) &&
      linkIntact(segment.bridge, dpLink(segment.gatewayLink), inside, segment.gatewayMac, addresses)
    ) {
      keep.add(segment.gatewayLink);
    } else rebuildGateways.add(segment);
  }
  const rebuildNics = new Set<WireNic>();
  for (const server of plan.servers) {
    for (const nic of server.nics) {
      const inside = ifacesOf(server.namespace).get(nic.ifname);
      if (keep.has(nic.bridge) && nicIntact(nic, dpLink(nic.link), inside)) keep.add(nic.link);
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
  const subnetOf = new Map(plan.segments.map((segment) => [segment.bridge, segment.subnetId]));
  for (const bridge of bridges) {
    if (keep.has(bridge)) continue;
    bridgeCreated = true;
    const what = subnetOf.has(bridge) ? `subnet ${subnetOf.get(bridge)}` : "external";
    out.ip(`create bridge ${bridge} (${what})`, "-n", dp, "link", "add", bridge, "type", "bridge");
    out.ip(`${bridge} up`, "-n", dp, "link", "set", bridge, "up");
  }
  if (bridgeCreated || observed.rules === undefined) {
    out.ops.push({
      what: `${RULES_OP_PREFIX}port-security and security-group rules`,
      argv: ["ip", "netns", "exec", dp, "nft", "-f", "-"],
      input: renderRules(wholeRules?.() ?? plan.rules),
    });
  } else {
    const changed = diffRules(observed.rules, plan.rules);
    if (changed !== "") {
      out.ops.push({
        what: CHANGE_RULES,
        argv: ["ip", "netns", "exec", dp, "nft", "-f", "-"],
        input: changed,
      });
    }
  }
  if (!internetIntact) buildInternet(out, plan, observed, removedAliases);
  for (const router of plan.routers) buildRouter(out, router, plan, observed, rebuildUplinks.has(router));
  for (const segment of plan.segments) {
    if (rebuildGateways.has(segment)) buildGateway(out, segment, observed, removedAliases);
  }
  for (const server of plan.servers) buildServer(out, server, observed, rebuildNics, removedAliases);
  return out.ops;
}

function buildInternet(out: OpList, plan: WirePlan, observed: ObservedWire, removed: Set<string>): void {
  const ns = plan.internetNamespace;
  if (!observed.namespaces.has(ns)) out.addNamespace(ns, `create the internet's namespace ${ns}`);
  const inside = observed.namespaceIfaces.get(ns)?.get("eth0");
  if (inside && !removed.has(plan.internetLink)) out.ip(`${ns}: remove stale eth0`, "-n", ns, "link", "del", "eth0");
  out.veth(`create the internet's link ${plan.internetLink}`, plan.internetLink, plan.externalBridge, ns, "eth0");
  out.ip(`${ns}: eth0 ${INTERNET_CIDR}`, "-n", ns, "addr", "add", INTERNET_CIDR, "dev", "eth0");
  out.ip(`${ns}: default ${INTERNET_ROUTE}`, "-n", ns, "route", "replace", "default", "dev", "eth0");
}

function buildRouter(out: OpList, router: WireRouter, plan: WirePlan, observed: ObservedWire, rebuildUplink: boolean) {
  const ns = router.namespace;
  const fresh = !observed.namespaces.has(ns);
  if (fresh) out.addNamespace(ns, `create router namespace ${ns} (VPC ${router.vpcId})`);
  if (fresh || !observed.forwarding.has(ns)) {
    out.inside(`${ns}: forwarding on`, ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
  }
  const inside = observed.namespaceIfaces.get(ns)?.get(UPLINK_IFNAME);
  let have: string[] = inside?.addresses ?? [];
  if (rebuildUplink) {
    if (inside) out.ip(`${ns}: remove stale ${UPLINK_IFNAME}`, "-n", ns, "link", "del", UPLINK_IFNAME);
    out.veth(
      `create uplink ${router.uplink} of VPC ${router.vpcId}`,
      router.uplink,
      plan.externalBridge,
      ns,
      UPLINK_IFNAME,
      router.uplinkMac,
    );
    have = [];
  }
  const want = [UPLINK_ANCHOR, ...router.eipAddresses];
  for (const address of have) {
    if (!want.includes(address)) {
      out.ip(`${ns}: EIP ${address} released`, "-n", ns, "addr", "del", address, "dev", UPLINK_IFNAME);
    }
  }
  const routerRules = observed.routerRulesets?.get(ns);
  if (fresh || rebuildUplink || routerRules !== router.ruleset) {
    out.ops.push({
      what: `${RULES_OP_PREFIX}NAT rules of router ${ns}`,
      argv: ["ip", "netns", "exec", ns, "nft", "-f", "-"],
      input: router.ruleset,
    });
  }
  for (const address of want) {
    if (!have.includes(address)) {
      out.ip(
        `${ns}: ${address === UPLINK_ANCHOR ? "uplink anchor" : "EIP"} ${address}`,
        "-n",
        ns,
        "addr",
        "add",
        address,
        "dev",
        UPLINK_IFNAME,
      );
      // The internet may still have this address's MAC from another router (an EIP released and taken again by
      // another VPC, or moved): forget it, so the next packet asks who holds the address now.
      if (address !== UPLINK_ANCHOR && observed.namespaces.has(plan.internetNamespace)) {
        out.ip(
          `${plan.internetNamespace}: forget ${address}'s old MAC`,
          ...["-n", plan.internetNamespace, "neigh", "flush", "to", address, "dev", "eth0"],
        );
      }
    }
  }
  if (rebuildUplink || observed.defaultRoutes.get(ns) !== INTERNET_ADDRESS) {
    out.ip(
      `${ns}: default via ${INTERNET_ADDRESS}`,
      ...["-n", ns, "route", "replace", "default", "via", INTERNET_ADDRESS, "dev", UPLINK_IFNAME, "onlink"],
    );
  }
}

function buildGateway(out: OpList, segment: WireSegment, observed: ObservedWire, removed: Set<string>): void {
  const ns = segment.routerNamespace;
  const link = segment.gatewayLink;
  const inside = observed.namespaceIfaces.get(ns)?.get(link);
  if (inside && !removed.has(link)) out.ip(`${ns}: remove stale ${link}`, "-n", ns, "link", "del", link);
  out.ip(
    `create gateway link ${link} (subnet ${segment.subnetId})`,
    ...["-n", out.dp, "link", "add", link, "type", "veth"],
    ...["peer", "name", link, "address", segment.gatewayMac, "netns", ns],
  );
  out.ip(`${link} on ${segment.bridge}`, "-n", out.dp, "link", "set", link, "master", segment.bridge, "up");
  if (segment.gatewayAddress) {
    out.ip(`${ns}: gateway ${segment.gatewayAddress}`, "-n", ns, "addr", "add", segment.gatewayAddress, "dev", link);
  }
  out.ip(`${ns}: ${link} up`, "-n", ns, "link", "set", link, "up");
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
        ...["-n", ns, "link", "set", nic.ifname, state],
      );
    }
  }
  const primary = server.nics[0];
  const wantRoute = server.up && primary !== undefined ? server.defaultGateway : undefined;
  const haveRoute = linksChanged ? undefined : observed.defaultRoutes.get(ns);
  if (wantRoute !== undefined && primary !== undefined && wantRoute !== haveRoute) {
    out.ip(
      `${ns}: default via ${wantRoute}`,
      ...["-n", ns, "route", "replace", "default", "via", wantRoute, "dev", primary.ifname],
    );
  }
}
