import type { Port, Server, Subnet } from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { parseIpv4 } from "../net/ipv4.js";
import type { SecurityGroupRule } from "../security-groups/model.js";
import { type DataplaneNames, nicIfname } from "./names.js";
import { byText } from "./order.js";
import { type RouterEip, renderRouterRuleset } from "./router.js";
import type { RulesPlan } from "./rules-plan.js";
import { normalMac, portSecurityRules } from "./ruleset.js";

/** One subnet: a bridge, and its gateway: an interface of its VPC's router on that bridge (ARP, ping, routing). */
export interface WireSegment {
  subnetId: string;
  vpcId: string;
  bridge: string;
  /** The VPC router's namespace, where the gateway interface lives (named as `gatewayLink`). */
  routerNamespace: string;
  /** Bridge-side end, in the data plane's namespace; the router-side end has the same name. */
  gatewayLink: string;
  gatewayMac: string;
  /** `ip/prefix`, or undefined when the subnet has no usable gateway address. */
  gatewayAddress?: string;
}

/** A VPC's router: forwards between the VPC's subnets and translates its EIPs on the uplink to the internet. */
export interface WireRouter {
  vpcId: string;
  namespace: string;
  /** External bridge's end of the uplink, in the data plane's namespace. */
  uplink: string;
  uplinkMac: string;
  /** The EIPs it answers for on its uplink, `ip/32`, sorted. */
  eipAddresses: string[];
  /** One `nft -f` script replacing the router's NAT table. */
  ruleset: string;
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

/** Everything the store implies on the wire: namespaces, links, port security, groups, routers and EIPs. */
export interface WirePlan {
  dataplaneNamespace: string;
  internetNamespace: string;
  /** In the data plane's namespace: joins the internet namespace and every router's uplink. */
  externalBridge: string;
  /** The external bridge's end of the internet namespace's link. */
  internetLink: string;
  routers: WireRouter[];
  segments: WireSegment[];
  servers: WireServer[];
  /** Port security and security groups, in parts (rendered whole, or as the difference from the last plan). */
  rules: RulesPlan;
}

export interface NetworkRows {
  subnets: Subnet[];
  servers: Server[];
  ports: Port[];
  /** IPv4 security group rules (any others are ignored). */
  rules?: SecurityGroupRule[];
  /** EIPs bound to ports. */
  eips?: { publicIpAddress: string; portId: string }[];
}

/** Servers that exist as machines: a namespace while ACTIVE or SHUTOFF (BUILD has none yet). */
export const WIRED_STATUSES: ReadonlySet<string> = new Set(["ACTIVE", "SHUTOFF"]);

export type VpcSubnet = Subnet & { vpcId: string };

/** VPC subnets only: a Neutron-made subnet belongs to no VPC and no server can sit in it, so it has no wire. */
export function isVpcSubnet(subnet: Subnet): subnet is VpcSubnet {
  return subnet.vpcId !== null;
}

/** What one wired server makes: its namespace and NICs, each NIC's port-security chain, and its filtered NICs. */
export interface ServerPart {
  server: WireServer;
  /** Port security of each NIC with a usable MAC (security-group filters are added once marks are known). */
  portsec: { link: string; portsec: string[] }[];
  /** NICs with port security on, which their groups filter. */
  filtered: { portId: string; link: string; groupIds: string[] }[];
}

/** A server's part of the wire from its row and its NIC ports (any order; those outside a VPC subnet are ignored). */
export function serverPartOf(
  server: Server,
  nicPorts: readonly Port[],
  subnets: ReadonlyMap<string, VpcSubnet>,
  names: DataplaneNames,
): ServerPart | undefined {
  if (!WIRED_STATUSES.has(server.status)) return undefined;
  const ports = nicPorts
    .filter((port) => subnets.has(port.networkId))
    .sort((a, b) => (a.nicIndex ?? 0) - (b.nicIndex ?? 0) || byText(a.id, b.id));
  const portsec: ServerPart["portsec"] = [];
  const filtered: ServerPart["filtered"] = [];
  const nics: WireNic[] = [];
  for (const [position, port] of ports.entries()) {
    const planned = nicOf(port, position, subnets.get(port.networkId) as Subnet, names);
    nics.push(planned.nic);
    if (planned.portsec) portsec.push({ link: planned.nic.link, portsec: planned.portsec });
    if (port.portSecurityEnabled)
      filtered.push({ portId: port.id, link: planned.nic.link, groupIds: port.securityGroupIds });
  }
  const primary = ports[0] ? subnets.get(ports[0].networkId) : undefined;
  return {
    server: {
      serverId: server.id,
      namespace: names.serverNamespace(server.id),
      up: server.status === "ACTIVE",
      nics: nics.filter((nic) => nic.mac !== ""),
      defaultGateway: primary && parseIpv4(primary.gatewayIp) !== undefined ? primary.gatewayIp : undefined,
    },
    portsec,
    filtered,
  };
}

/** Whether the port holds the subnet's gateway address (its MAC is then the gateway's). */
export function holdsGateway(port: Port, subnet: Subnet): boolean {
  return port.networkId === subnet.id && port.fixedIps.some((ip) => ip.ipAddress === subnet.gatewayIp);
}

interface PlannedNic {
  nic: WireNic;
  portsec: string[] | undefined;
}

/**
 * What a port makes of a NIC, remembered per port object: the rows kept between changes (wire-rows.ts) hand the same
 * object over until the port changes, so a change plans only the NICs it touched (a thousand cost tens of ms).
 */
const plannedNics = new WeakMap<Port, { key: string; planned: PlannedNic }>();

function nicOf(port: Port, position: number, subnet: Subnet, names: DataplaneNames): PlannedNic {
  const key = `${names.prefix} ${position} ${subnet.id} ${subnet.cidr}`;
  const known = plannedNics.get(port);
  if (known?.key === key) return known.planned;
  const nic: WireNic = {
    portId: port.id,
    link: names.nicLink(port.id),
    ifname: nicIfname(position),
    mac: normalMac(port.macAddress) ?? "",
    address: addressIn(port.fixedIps[0]?.ipAddress, subnet.cidr),
    bridge: names.bridge(subnet.id),
  };
  const portsec = portSecurityRules({
    link: nic.link,
    macAddress: port.macAddress,
    fixedIps: port.fixedIps.map((fixedIp) => fixedIp.ipAddress),
    allowedAddressPairs: port.allowedAddressPairs,
    portSecurityEnabled: port.portSecurityEnabled,
  });
  const planned = { nic, portsec };
  plannedNics.set(port, { key, planned });
  return planned;
}

/** One router per VPC that has a wired subnet, with the EIPs bound to ports of its subnets. */
export function routersOf(
  subnets: ReadonlyMap<string, VpcSubnet>,
  ports: ReadonlyMap<string, Port>,
  eips: readonly { publicIpAddress: string; portId: string }[],
  names: DataplaneNames,
): WireRouter[] {
  const eipsByVpc = new Map<string, RouterEip[]>();
  for (const eip of eips) {
    const port = ports.get(eip.portId);
    const subnet = port ? subnets.get(port.networkId) : undefined;
    const fixedIp = port?.fixedIps[0]?.ipAddress;
    if (!subnet || fixedIp === undefined || parseIpv4(fixedIp) === undefined) continue;
    if (parseIpv4(eip.publicIpAddress) === undefined) continue;
    const list = eipsByVpc.get(subnet.vpcId) ?? [];
    list.push({ publicIp: eip.publicIpAddress, fixedIp });
    eipsByVpc.set(subnet.vpcId, list);
  }
  const vpcIds = [...new Set([...subnets.values()].map((subnet) => subnet.vpcId))].sort();
  return vpcIds.map((vpcId) => {
    const routerEips = eipsByVpc.get(vpcId) ?? [];
    const uplink = names.uplinkLink(vpcId);
    return {
      vpcId,
      namespace: names.routerNamespace(vpcId),
      uplink,
      uplinkMac: localMac(uplink),
      eipAddresses: [...new Set(routerEips.map((eip) => `${eip.publicIp}/32`))].sort(),
      ruleset: renderRouterRuleset(routerEips),
    };
  });
}

export function segmentOf(subnet: VpcSubnet, gatewayPortMac: string | undefined, names: DataplaneNames): WireSegment {
  return {
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    bridge: names.bridge(subnet.id),
    routerNamespace: names.routerNamespace(subnet.vpcId),
    gatewayLink: names.gatewayLink(subnet.id),
    gatewayMac: normalMac(gatewayPortMac ?? "") ?? localMac(names.gatewayLink(subnet.id)),
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
