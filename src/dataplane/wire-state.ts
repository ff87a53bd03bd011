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
  /** Interfaces of every other owned namespace (servers, gateways), `lo` excluded. */
  namespaceIfaces: Map<string, Map<string, ObservedIface>>;
  /** Gateway of each owned namespace's default route. */
  defaultRoutes: Map<string, string | undefined>;
  /** The port-security script last applied, when known; undefined makes the next pass apply it again. */
  ruleset?: string;
}

/** What observing a fully applied plan would show: lets a change be applied as a diff against the last plan. */
export function expectedObservation(plan: WirePlan): ObservedWire {
  const namespaces = new Set<string>([plan.dataplaneNamespace]);
  const dataplaneLinks = new Map<string, ObservedIface>();
  const namespaceIfaces = new Map<string, Map<string, ObservedIface>>();
  const defaultRoutes = new Map<string, string | undefined>();
  const iface = (ifname: string, fields: Partial<ObservedIface>): ObservedIface => ({
    ifname,
    mac: "",
    up: true,
    addresses: [],
    ...fields,
  });
  for (const segment of plan.segments) {
    namespaces.add(segment.gatewayNamespace);
    dataplaneLinks.set(segment.bridge, iface(segment.bridge, { kind: "bridge" }));
    dataplaneLinks.set(
      segment.gatewayLink,
      iface(segment.gatewayLink, { kind: "veth", master: segment.bridge, mac: "" }),
    );
    namespaceIfaces.set(
      segment.gatewayNamespace,
      new Map([
        [
          "gw0",
          iface("gw0", {
            kind: "veth",
            mac: segment.gatewayMac,
            addresses: segment.gatewayAddress ? [segment.gatewayAddress] : [],
          }),
        ],
      ]),
    );
    defaultRoutes.set(segment.gatewayNamespace, undefined);
  }
  for (const server of plan.servers) {
    namespaces.add(server.namespace);
    const ifaces = new Map<string, ObservedIface>();
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
    namespaceIfaces.set(server.namespace, ifaces);
    defaultRoutes.set(server.namespace, server.up && server.nics.length > 0 ? server.defaultGateway : undefined);
  }
  return { namespaces, dataplaneLinks, namespaceIfaces, defaultRoutes, ruleset: plan.ruleset };
}
