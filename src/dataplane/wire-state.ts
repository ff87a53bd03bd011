import { INTERNET_ADDRESS, INTERNET_PREFIX_LENGTH, UPLINK_ANCHOR, UPLINK_IFNAME } from "../domain/portsec/names.js";
import type { RulesPlan } from "../domain/portsec/rules-plan.js";
import type { WirePlan } from "../domain/portsec/topology.js";

/** One network interface as `ip -j -d addr` shows it. */
export interface ObservedIface {
  ifname: string;
  mac: string;
  up: boolean;
  alias?: string;
  master?: string;
  kind?: string;
  /** IPv4 `ip/prefix` addresses. */
  addresses: string[];
}

/** What is on the wire, in the data plane's namespaces only (the host's is never read or changed). */
export interface ObservedWire {
  /** Namespaces owned by the data plane's prefix. */
  namespaces: Set<string>;
  /** Links in the data plane's namespace, `lo` excluded. */
  dataplaneLinks: Map<string, ObservedIface>;
  /** Interfaces of every other owned namespace (servers, routers, the internet), `lo` excluded. */
  namespaceIfaces: Map<string, Map<string, ObservedIface>>;
  /** Each owned namespace's default route: its gateway, or `dev IFNAME` for a route without one. */
  defaultRoutes: Map<string, string | undefined>;
  /** Namespaces that forward IPv4 (routers must). */
  forwarding: Set<string>;
  /** Whether bridged IPv4 passes the inet hooks in the data plane's namespace (security groups need it). */
  bridgedTrafficFiltered: boolean;
  /** The rules last applied, when known; undefined makes the next pass load them whole again. */
  rules?: RulesPlan;
  /**
   * Server namespaces were not read inside (a quick start-up pass): a NIC whose bridge-side link is intact is taken
   * to be intact inside too, as this process left it (see `trustServersInside`).
   */
  serversUnread?: boolean;
  /** Each router's script last applied, when known; a router missing here gets its script applied again. */
  routerRulesets?: Map<string, string>;
}

/** The internet namespace's default route: everything on its link (only routers answer, for their EIPs). */
export const INTERNET_ROUTE = "dev eth0";
export const INTERNET_CIDR = `${INTERNET_ADDRESS}/${INTERNET_PREFIX_LENGTH}`;

/** What observing a fully applied plan would show: lets a change be applied as a diff against the last plan. */
export function expectedObservation(plan: WirePlan): ObservedWire {
  const namespaces = new Set<string>([plan.dataplaneNamespace, plan.internetNamespace]);
  const dataplaneLinks = new Map<string, ObservedIface>();
  const namespaceIfaces = new Map<string, Map<string, ObservedIface>>();
  const defaultRoutes = new Map<string, string | undefined>();
  const forwarding = new Set<string>();
  const iface = (ifname: string, fields: Partial<ObservedIface>): ObservedIface => ({
    ifname,
    mac: "",
    up: true,
    addresses: [],
    ...fields,
  });
  const ifacesOf = (namespace: string) => {
    const found = namespaceIfaces.get(namespace) ?? new Map<string, ObservedIface>();
    namespaceIfaces.set(namespace, found);
    return found;
  };
  dataplaneLinks.set(plan.externalBridge, iface(plan.externalBridge, { kind: "bridge" }));
  dataplaneLinks.set(plan.internetLink, iface(plan.internetLink, { kind: "veth", master: plan.externalBridge }));
  ifacesOf(plan.internetNamespace).set("eth0", iface("eth0", { kind: "veth", addresses: [INTERNET_CIDR] }));
  defaultRoutes.set(plan.internetNamespace, INTERNET_ROUTE);
  for (const router of plan.routers) {
    namespaces.add(router.namespace);
    forwarding.add(router.namespace);
    dataplaneLinks.set(router.uplink, iface(router.uplink, { kind: "veth", master: plan.externalBridge }));
    ifacesOf(router.namespace).set(
      UPLINK_IFNAME,
      iface(UPLINK_IFNAME, { kind: "veth", mac: router.uplinkMac, addresses: [UPLINK_ANCHOR, ...router.eipAddresses] }),
    );
    defaultRoutes.set(router.namespace, INTERNET_ADDRESS);
  }
  for (const segment of plan.segments) {
    dataplaneLinks.set(segment.bridge, iface(segment.bridge, { kind: "bridge" }));
    dataplaneLinks.set(segment.gatewayLink, iface(segment.gatewayLink, { kind: "veth", master: segment.bridge }));
    ifacesOf(segment.routerNamespace).set(
      segment.gatewayLink,
      iface(segment.gatewayLink, {
        kind: "veth",
        mac: segment.gatewayMac,
        addresses: segment.gatewayAddress ? [segment.gatewayAddress] : [],
      }),
    );
  }
  for (const server of plan.servers) {
    namespaces.add(server.namespace);
    const ifaces = ifacesOf(server.namespace);
    for (const nic of server.nics) {
      dataplaneLinks.set(nic.link, iface(nic.link, { kind: "veth", master: nic.bridge, up: server.up }));
      ifaces.set(
        nic.ifname,
        iface(nic.ifname, {
          kind: "veth",
          alias: nic.link,
          mac: nic.mac,
          up: server.up,
          addresses: nic.address ? [nic.address] : [],
        }),
      );
    }
    defaultRoutes.set(server.namespace, server.up && server.nics.length > 0 ? server.defaultGateway : undefined);
  }
  return {
    namespaces,
    dataplaneLinks,
    namespaceIfaces,
    defaultRoutes,
    forwarding,
    bridgedTrafficFiltered: true,
    rules: plan.rules,
    routerRulesets: new Map(plan.routers.map((router) => [router.namespace, router.ruleset])),
  };
}

/**
 * Fills in the server namespaces a quick pass did not read: what the plan expects inside, for every NIC whose
 * bridge-side link is there (its state taken from that end). Inside a server only the data plane changes links and
 * addresses, so after a crash the difference lies in links added or removed, rules, and links set up or down, all
 * seen from the data plane's namespace; the full read (`dataplane sync`, and the pass right after start-up) checks the
 * rest.
 */
export function trustServersInside(observed: ObservedWire, plan: WirePlan): ObservedWire {
  if (!observed.serversUnread) return observed;
  const namespaceIfaces = new Map(observed.namespaceIfaces);
  const defaultRoutes = new Map(observed.defaultRoutes);
  for (const server of plan.servers) {
    if (!observed.namespaces.has(server.namespace)) continue;
    const ifaces = new Map<string, ObservedIface>();
    let allUp = server.nics.length > 0;
    for (const nic of server.nics) {
      const outside = observed.dataplaneLinks.get(nic.link);
      if (!outside) continue;
      allUp &&= outside.up;
      ifaces.set(nic.ifname, {
        ifname: nic.ifname,
        kind: "veth",
        alias: nic.link,
        mac: nic.mac,
        up: outside.up,
        addresses: nic.address ? [nic.address] : [],
      });
    }
    namespaceIfaces.set(server.namespace, ifaces);
    defaultRoutes.set(server.namespace, allUp && server.up ? server.defaultGateway : undefined);
  }
  return { ...observed, namespaceIfaces, defaultRoutes };
}
