import {
  isServerNic,
  isVipCapableOwner,
  type Port,
  type Server,
  type Subnet,
  VIP_DEVICE_OWNER,
  type Vpc,
} from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { primaryFixedIp } from "../ports/port-changes.js";

/** What the console draws: plain JSON, the same shape on the server and in the page. */
export interface Topology {
  projectId: string;
  vpcs: TopologyVpc[];
}

export interface TopologyVpc {
  id: string;
  name: string;
  cidr: string;
  subnets: TopologySubnet[];
  servers: TopologyServer[];
  vips: TopologyVip[];
  bindings: TopologyBinding[];
}

export interface TopologySubnet {
  id: string;
  name: string;
  cidr: string;
  gatewayIp: string;
  /** Addresses held by any port (gateway, DHCP and system ports included). */
  used: number;
  /** Host addresses nobody holds yet. */
  free: number;
}

export interface TopologyServer {
  id: string;
  name: string;
  status: string;
  /** In NIC order: the first is the primary NIC. */
  nics: TopologyNic[];
}

export interface TopologyNic {
  portId: string;
  subnetId: string;
  ip: string;
  mac: string;
  status: string;
}

export interface TopologyVip {
  portId: string;
  subnetId: string;
  ip: string;
  /** `neutron:VIP_PORT`, or "" for a private IP that NICs use as a virtual IP. */
  deviceOwner: string;
}

/** One NIC carrying one virtual IP in its allowed_address_pairs. */
export interface TopologyBinding {
  vipPortId: string;
  vipIp: string;
  nicPortId: string;
  /** The VIP port carries the NIC's IP/MAC pair back (`reverse_binding`). */
  reverse: boolean;
}

export interface TopologyInput {
  projectId: string;
  vpcs: Vpc[];
  subnets: Subnet[];
  servers: Server[];
  ports: Port[];
}

function hostCount(cidr: string): number {
  const parsed = parseCidr(cidr);
  if (!parsed) return 0;
  return Math.max(0, parsed.broadcast - parsed.network - 1);
}

function byName<T extends { name: string; id: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function compareIp(a: string, b: string): number {
  const key = (ip: string) => ip.split(".").map((part) => part.padStart(3, "0"));
  return key(a).join(".").localeCompare(key(b).join("."));
}

/**
 * A project's VPCs with their subnets, servers and NICs, and every virtual IP as its own node joined to the NICs
 * whose allowed_address_pairs carry its address with the NIC's own MAC (what a bind writes). A VIP node is a
 * `neutron:VIP_PORT` port, or an unowned private IP that some NIC uses as a virtual IP.
 */
export function buildTopology(input: TopologyInput): Topology {
  const subnetVpc = new Map(input.subnets.map((subnet) => [subnet.id, subnet.vpcId]));
  const used = new Map<string, number>();
  for (const port of input.ports) used.set(port.networkId, (used.get(port.networkId) ?? 0) + port.fixedIps.length);

  const nicsByServer = new Map<string, Port[]>();
  const candidates: Port[] = [];
  for (const port of input.ports) {
    if (isServerNic(port)) {
      const list = nicsByServer.get(port.deviceId) ?? [];
      list.push(port);
      nicsByServer.set(port.deviceId, list);
    } else if (isVipCapableOwner(port.deviceOwner) && primaryFixedIp(port) !== undefined) {
      candidates.push(port);
    }
  }

  const vpcs = [...input.vpcs].sort(byName).map((vpc): TopologyVpc => {
    const subnets = input.subnets
      .filter((subnet) => subnet.vpcId === vpc.id)
      .sort((a, b) => compareIp(a.cidr.split("/")[0] ?? "", b.cidr.split("/")[0] ?? "") || byName(a, b))
      .map((subnet) => {
        const count = used.get(subnet.id) ?? 0;
        return {
          id: subnet.id,
          name: subnet.name,
          cidr: subnet.cidr,
          gatewayIp: subnet.gatewayIp,
          used: count,
          free: Math.max(0, hostCount(subnet.cidr) - count),
        };
      });
    const nics: Port[] = [];
    const servers = input.servers
      .filter((server) => server.vpcId === vpc.id)
      .sort(byName)
      .map((server) => {
        const own = (nicsByServer.get(server.id) ?? []).sort((a, b) => (a.nicIndex ?? 0) - (b.nicIndex ?? 0));
        nics.push(...own);
        return {
          id: server.id,
          name: server.name,
          status: server.status,
          nics: own.map((nic) => ({
            portId: nic.id,
            subnetId: nic.networkId,
            ip: primaryFixedIp(nic) ?? "",
            mac: nic.macAddress,
            status: nic.status,
          })),
        };
      });

    const vipByIp = new Map<string, Port>();
    for (const port of candidates) {
      if (subnetVpc.get(port.networkId) === vpc.id) vipByIp.set(primaryFixedIp(port) ?? "", port);
    }
    const bindings: TopologyBinding[] = [];
    const boundVips = new Set<string>();
    for (const nic of nics) {
      const nicIp = primaryFixedIp(nic);
      for (const pair of nic.allowedAddressPairs) {
        const vip = vipByIp.get(pair.ipAddress);
        if (!vip || pair.macAddress !== nic.macAddress) continue;
        boundVips.add(vip.id);
        bindings.push({
          vipPortId: vip.id,
          vipIp: pair.ipAddress,
          nicPortId: nic.id,
          reverse: vip.allowedAddressPairs.some((p) => p.ipAddress === nicIp && p.macAddress === nic.macAddress),
        });
      }
    }
    const vips = [...vipByIp.values()]
      .filter((port) => port.deviceOwner === VIP_DEVICE_OWNER || boundVips.has(port.id))
      .map((port) => ({
        portId: port.id,
        subnetId: port.networkId,
        ip: primaryFixedIp(port) ?? "",
        deviceOwner: port.deviceOwner,
      }))
      .sort((a, b) => compareIp(a.ip, b.ip));
    return { id: vpc.id, name: vpc.name, cidr: vpc.cidr, subnets, servers, vips, bindings };
  });
  return { projectId: input.projectId, vpcs };
}
