import { isServerNic, type Port, type Server, type Subnet } from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { parseIpv4 } from "../net/ipv4.js";
import { type DataplaneNames, nicIfname } from "./names.js";
import { normalMac, type PortSecurityNic, renderRuleset } from "./ruleset.js";

/** One subnet: a bridge, and a namespace of its own whose link answers as the gateway (ARP and ping). */
export interface WireSegment {
  subnetId: string;
  bridge: string;
  gatewayNamespace: string;
  gatewayLink: string;
  gatewayMac: string;
  /** `ip/prefix`, or undefined when the subnet has no usable gateway address. */
  gatewayAddress?: string;
}

export interface WireNic {
  portId: string;
  /** Bridge-side end, in the data plane's namespace. */
  link: string;
  /** Server-side end, in the server's namespace: eth0, eth1, … in the server's NIC order. */
  ifname: string;
  mac: string;
  /** `ip/prefix` of the port's first fixed IP, if it has one. */
  address?: string;
  bridge: string;
}

export interface WireServer {
  serverId: string;
  namespace: string;
  /** Links up while the server is ACTIVE, down while SHUTOFF. */
  up: boolean;
  nics: WireNic[];
  /** The primary NIC's subnet gateway. */
  defaultGateway?: string;
}

/** Everything the store implies on the wire: namespaces, links with their MAC and address, and port security. */
export interface WirePlan {
  dataplaneNamespace: string;
  segments: WireSegment[];
  servers: WireServer[];
  /** One `nft -f` script that replaces the port-security table atomically. */
  ruleset: string;
}

export interface NetworkRows {
  subnets: Subnet[];
  servers: Server[];
  ports: Port[];
}

/** Servers that exist as machines: a namespace while ACTIVE or SHUTOFF (BUILD has none yet). */
const WIRED_STATUSES = new Set(["ACTIVE", "SHUTOFF"]);

export function planWire(rows: NetworkRows, names: DataplaneNames): WirePlan {
  // VPC subnets only: a Neutron-made subnet belongs to no VPC and no server can sit in it, so it has no wire.
  const subnets = new Map(rows.subnets.filter((subnet) => subnet.vpcId !== null).map((subnet) => [subnet.id, subnet]));
  const segments = [...subnets.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((subnet) => segmentOf(subnet, rows.ports, names));
  const nicsByServer = new Map<string, Port[]>();
  for (const port of rows.ports) {
    if (!isServerNic(port) || port.nicIndex === null || !subnets.has(port.networkId)) continue;
    const list = nicsByServer.get(port.deviceId) ?? [];
    list.push(port);
    nicsByServer.set(port.deviceId, list);
  }
  const servers: WireServer[] = [];
  const guarded: PortSecurityNic[] = [];
  for (const server of [...rows.servers].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!WIRED_STATUSES.has(server.status)) continue;
    const ports = (nicsByServer.get(server.id) ?? []).sort((a, b) => (a.nicIndex ?? 0) - (b.nicIndex ?? 0));
    const nics = ports.map((port, position): WireNic => {
      const subnet = subnets.get(port.networkId) as Subnet;
      return {
        portId: port.id,
        link: names.nicLink(port.id),
        ifname: nicIfname(position),
        mac: normalMac(port.macAddress) ?? "",
        address: addressIn(port.fixedIps[0]?.ipAddress, subnet.cidr),
        bridge: names.bridge(subnet.id),
      };
    });
    for (const [position, port] of ports.entries()) {
      guarded.push({
        link: (nics[position] as WireNic).link,
        macAddress: port.macAddress,
        fixedIps: port.fixedIps.map((fixedIp) => fixedIp.ipAddress),
        allowedAddressPairs: port.allowedAddressPairs,
      });
    }
    const primary = ports[0] ? subnets.get(ports[0].networkId) : undefined;
    servers.push({
      serverId: server.id,
      namespace: names.serverNamespace(server.id),
      up: server.status === "ACTIVE",
      nics: nics.filter((nic) => nic.mac !== ""),
      defaultGateway: primary && parseIpv4(primary.gatewayIp) !== undefined ? primary.gatewayIp : undefined,
    });
  }
  return {
    dataplaneNamespace: names.dataplaneNamespace,
    segments,
    servers,
    ruleset: renderRuleset(guarded),
  };
}

function segmentOf(subnet: Subnet, ports: Port[], names: DataplaneNames): WireSegment {
  const gatewayPort = ports.find(
    (port) => port.networkId === subnet.id && port.fixedIps.some((ip) => ip.ipAddress === subnet.gatewayIp),
  );
  return {
    subnetId: subnet.id,
    bridge: names.bridge(subnet.id),
    gatewayNamespace: names.gatewayNamespace(subnet.id),
    gatewayLink: names.gatewayLink(subnet.id),
    gatewayMac: normalMac(gatewayPort?.macAddress ?? "") ?? localMac(names.gatewayLink(subnet.id)),
    gatewayAddress: addressIn(subnet.gatewayIp, subnet.cidr),
  };
}

/** `ip/prefix` when `ip` is an IPv4 address and `cidr` a network. */
function addressIn(ip: string | undefined, cidr: string): string | undefined {
  const network = parseCidr(cidr);
  if (ip === undefined || network === undefined || parseIpv4(ip) === undefined) return undefined;
  return `${ip}/${network.prefix}`;
}

/** A locally administered unicast MAC from a 12-hex-digit link name's tail. */
function localMac(linkName: string): string {
  const hex = linkName.slice(-10).padStart(10, "0");
  return `02:${hex.match(/../g)?.join(":")}`;
}
