import { isServerNic, type Port, type Server, type Subnet } from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { parseIpv4 } from "../net/ipv4.js";
import type { SecurityGroupRule } from "../security-groups/model.js";
import { type DataplaneNames, EXTERNAL_BRIDGE, INTERNET_LINK, nicIfname } from "./names.js";
import { byText } from "./order.js";
import { type RouterEip, renderRouterRuleset } from "./router.js";
import { emptyRulesPlan, type RulesPlan } from "./rules-plan.js";
import { normalMac, portSecurityRules } from "./ruleset.js";
import { type FilteredNic, nicMarks, securityGroupParts } from "./security-groups.js";

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
const WIRED_STATUSES = new Set(["ACTIVE", "SHUTOFF"]);

export function planWire(rows: NetworkRows, names: DataplaneNames): WirePlan {
  // VPC subnets only: a Neutron-made subnet belongs to no VPC and no server can sit in it, so it has no wire.
  const subnets = new Map<string, Subnet & { vpcId: string }>();
  for (const subnet of rows.subnets)
    if (subnet.vpcId !== null) subnets.set(subnet.id, subnet as Subnet & { vpcId: string });
  const portsById = new Map(rows.ports.map((port) => [port.id, port]));
  const gatewayMacs = new Map<string, string>();
  const nicsByServer = new Map<string, Port[]>();
  for (const port of rows.ports) {
    const subnet = subnets.get(port.networkId);
    if (subnet && port.fixedIps.some((ip) => ip.ipAddress === subnet.gatewayIp) && !gatewayMacs.has(subnet.id)) {
      gatewayMacs.set(subnet.id, port.macAddress);
    }
    if (!isServerNic(port) || port.nicIndex === null || !subnet) continue;
    const list = nicsByServer.get(port.deviceId) ?? [];
    list.push(port);
    nicsByServer.set(port.deviceId, list);
  }
  const segments = [...subnets.values()]
    .sort((a, b) => byText(a.id, b.id))
    .map((subnet) => segmentOf(subnet, gatewayMacs.get(subnet.id), names));

  const servers: WireServer[] = [];
  const rules = emptyRulesPlan();
  const filtered: { portId: string; link: string; groupIds: string[] }[] = [];
  for (const server of [...rows.servers].sort((a, b) => byText(a.id, b.id))) {
    if (!WIRED_STATUSES.has(server.status)) continue;
    const ports = (nicsByServer.get(server.id) ?? []).sort((a, b) => (a.nicIndex ?? 0) - (b.nicIndex ?? 0));
    const planned = ports.map((port, position) => nicOf(port, position, subnets.get(port.networkId) as Subnet, names));
    const nics = planned.map((each) => each.nic);
    for (const [position, port] of ports.entries()) {
      const { nic, portsec } = planned[position] as PlannedNic;
      if (portsec) rules.nics.set(nic.link, { link: nic.link, portsec });
      if (port.portSecurityEnabled) filtered.push({ portId: port.id, link: nic.link, groupIds: port.securityGroupIds });
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
  const marks = nicMarks(filtered.map((nic) => nic.portId));
  const groups = securityGroupParts({
    nics: filtered.map((nic): FilteredNic => ({ ...nic, mark: marks.get(nic.portId) as number })),
    rulesByGroup: groupBy(rows.rules ?? [], (rule) => rule.securityGroupId),
    membersByGroup: membersByGroup(rows.ports),
  });
  for (const [link, filter] of groups.filters) {
    const nic = rules.nics.get(link);
    if (nic) nic.filter = filter;
  }
  rules.groupChains = groups.groupChains;
  rules.sets = groups.sets;
  return {
    dataplaneNamespace: names.dataplaneNamespace,
    internetNamespace: names.internetNamespace,
    externalBridge: EXTERNAL_BRIDGE,
    internetLink: INTERNET_LINK,
    routers: routersOf(subnets, portsById, rows.eips ?? [], names),
    segments,
    servers,
    rules,
  };
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
function routersOf(
  subnets: ReadonlyMap<string, Subnet & { vpcId: string }>,
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

/** Every group's members' fixed IPs and pair addresses (ports with port security on; others carry no groups). */
function membersByGroup(ports: readonly Port[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const port of ports) {
    if (!port.portSecurityEnabled) continue;
    const addresses = [
      ...port.fixedIps.map((fixedIp) => fixedIp.ipAddress),
      ...port.allowedAddressPairs.map((pair) => pair.ipAddress),
    ];
    for (const groupId of port.securityGroupIds) {
      const list = members.get(groupId) ?? [];
      list.push(...addresses);
      members.set(groupId, list);
    }
  }
  return members;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}

function segmentOf(subnet: Subnet & { vpcId: string }, gatewayPortMac: string | undefined, names: DataplaneNames) {
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
