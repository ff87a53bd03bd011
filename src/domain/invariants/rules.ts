import { freeRangesOf, hostRange } from "../ipam/subnet-addresses.js";
import { COMPUTE_OWNER_PREFIX, isVipCapableOwner } from "../model.js";
import { type Cidr, cidrContains, cidrWithin, isHostAddress, parseCidr } from "../net/cidr.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";
import { type DumpView, type PortRow, type StoreDump, type SubnetRow, viewOf } from "./dump-view.js";

/**
 * The invariants every store must keep whatever happened to it (crash, concurrent requests, bad input). Each rule is
 * a pure function of a dump and answers one line per violation, `<rule>: <what is wrong>`; no line means sound.
 */
export interface InvariantLimits {
  maxNicsPerServer: number;
  maxAddressPairs: number;
}

type Rule = (view: DumpView, limits: InvariantLimits) => string[];

const isNic = (port: PortRow): boolean => port.deviceOwner.startsWith(COMPUTE_OWNER_PREFIX);

function subnetCidr(subnet: SubnetRow): Cidr | undefined {
  return parseCidr(subnet.cidr);
}

/** The subnet of `vpcId` whose host addresses include `ip`, if any: only those addresses are "of the VPC". */
function vpcSubnetHolding(view: DumpView, vpcId: string, ip: number): SubnetRow | undefined {
  return (view.subnetsByVpc.get(vpcId) ?? []).find((subnet) => {
    const cidr = subnetCidr(subnet);
    return cidr !== undefined && isHostAddress(cidr, ip);
  });
}

function vpcOfPort(view: DumpView, port: PortRow): string | undefined {
  return view.subnets.get(port.networkId)?.vpcId;
}

/** Rows that point at records that are gone. */
export const references: Rule = (view) => {
  const out: string[] = [];
  for (const subnet of view.subnetsByNeutronId.values()) {
    if (subnet.vpcId !== "" && !view.vpcs.has(subnet.vpcId)) {
      out.push(`subnet-without-vpc: subnet ${subnet.id} names VPC ${subnet.vpcId}`);
    }
  }
  for (const port of view.ports.values()) {
    if (!view.networkIds.has(port.networkId)) {
      out.push(`port-without-subnet: port ${port.id} names network ${port.networkId}, which does not exist`);
    }
    if (isNic(port) && !view.servers.has(port.deviceId)) {
      out.push(`nic-without-server: NIC ${port.id} names server ${port.deviceId}, which does not exist`);
    }
  }
  for (const server of view.servers.values()) {
    if (!view.vpcs.has(server.vpcId)) {
      out.push(`server-without-vpc: server ${server.id} names VPC ${server.vpcId}, which does not exist`);
    }
  }
  for (const ip of view.fixedIps) {
    if (!view.ports.has(ip.portId)) out.push(`fixed-ip-without-port: ${ip.ipAddress} names port ${ip.portId}`);
  }
  for (const pair of view.pairs) {
    if (!view.ports.has(pair.portId)) {
      out.push(`pair-without-port: pair ${pair.ipAddress}/${pair.macAddress} names port ${pair.portId}`);
    }
  }
  return out;
};

/** Subnet CIDRs parse and sit inside their VPC's CIDR. */
export const subnetCidrs: Rule = (view) => {
  const out: string[] = [];
  for (const subnet of view.subnetsByNeutronId.values()) {
    const cidr = subnetCidr(subnet);
    if (!cidr) {
      out.push(`subnet-cidr: subnet ${subnet.id} has an invalid CIDR ${JSON.stringify(subnet.cidr)}`);
      continue;
    }
    const vpc = view.vpcs.get(subnet.vpcId);
    const vpcCidr = vpc ? parseCidr(vpc.cidr) : undefined;
    if (vpc && vpcCidr && !cidrWithin(cidr, vpcCidr)) {
      out.push(`subnet-cidr: subnet ${subnet.id} (${subnet.cidr}) is outside VPC ${vpc.id} (${vpc.cidr})`);
    }
  }
  return out;
};

/** No address is held twice in one network. */
export const uniqueAddresses: Rule = (view) => {
  const holders = new Map<string, string[]>();
  for (const ip of view.fixedIps) {
    const key = `${ip.networkId} ${ip.ipAddress}`;
    holders.set(key, [...(holders.get(key) ?? []), ip.portId]);
  }
  const out: string[] = [];
  for (const [key, ports] of holders) {
    if (ports.length < 2) continue;
    const [network, address] = key.split(" ");
    out.push(
      `duplicate-ip: ${address} is held ${ports.length} times in network ${network} (ports ${ports.join(", ")})`,
    );
  }
  return out;
};

/** Every fixed IP is a host address of the subnet its port sits in, recorded under that subnet's ids. */
export const fixedIpsInSubnets: Rule = (view) => {
  const out: string[] = [];
  for (const ip of view.fixedIps) {
    const port = view.ports.get(ip.portId);
    if (port && port.networkId !== ip.networkId) {
      out.push(
        `fixed-ip-network: ${ip.ipAddress} of port ${port.id} is recorded in network ${ip.networkId}, the port is in ${port.networkId}`,
      );
    }
    if (!view.networkIds.has(ip.networkId)) {
      out.push(
        `fixed-ip-network: ${ip.ipAddress} of port ${ip.portId} is in network ${ip.networkId}, which does not exist`,
      );
      continue;
    }
    const subnet = view.subnetsByNeutronId.get(ip.subnetId);
    if (!subnet || subnet.networkId !== ip.networkId) {
      out.push(
        `fixed-ip-network: ${ip.ipAddress} of port ${ip.portId} names subnet ${ip.subnetId}, which is not a subnet of network ${ip.networkId}`,
      );
      continue;
    }
    const cidr = subnetCidr(subnet);
    if (!cidr) continue;
    const address = parseIpv4(ip.ipAddress);
    if (address === undefined || !cidrContains(cidr, address)) {
      out.push(
        `ip-outside-subnet: port ${ip.portId} holds ${JSON.stringify(ip.ipAddress)}, not an address of subnet ${subnet.id} (${subnet.cidr})`,
      );
    } else if (!isHostAddress(cidr, address)) {
      const which = address === cidr.network ? "network" : "broadcast";
      out.push(
        `ip-reserved: port ${ip.portId} holds ${ip.ipAddress}, the ${which} address of subnet ${subnet.id} (${subnet.cidr})`,
      );
    }
  }
  return out;
};

/** Every server has its primary NIC, indexes are distinct, and the count stays within the quota. */
export const serverNics: Rule = (view, limits) => {
  const nicsByServer = new Map<string, PortRow[]>();
  for (const port of view.ports.values()) {
    if (!isNic(port)) continue;
    nicsByServer.set(port.deviceId, [...(nicsByServer.get(port.deviceId) ?? []), port]);
  }
  const out: string[] = [];
  for (const server of view.servers.values()) {
    const nics = nicsByServer.get(server.id) ?? [];
    if (nics.length > limits.maxNicsPerServer) {
      out.push(`nic-quota: server ${server.id} has ${nics.length} NICs, the quota is ${limits.maxNicsPerServer}`);
    }
    if (!nics.some((nic) => nic.nicIndex === 0))
      out.push(`no-primary-nic: server ${server.id} has no NIC with index 0`);
    const seen = new Set<number>();
    for (const nic of nics) {
      if (nic.nicIndex === null) {
        out.push(`nic-index: NIC ${nic.id} of server ${server.id} has no index`);
        continue;
      }
      if (seen.has(nic.nicIndex)) out.push(`nic-index: server ${server.id} has two NICs with index ${nic.nicIndex}`);
      seen.add(nic.nicIndex);
      const nicVpc = vpcOfPort(view, nic);
      if (nicVpc !== undefined && view.vpcs.has(server.vpcId) && nicVpc !== server.vpcId) {
        out.push(`nic-vpc: NIC ${nic.id} is in VPC ${nicVpc}, its server ${server.id} in VPC ${server.vpcId}`);
      }
    }
  }
  return out;
};

/** No port carries more allowed address pairs than the limit. */
export const pairCounts: Rule = (view, limits) => {
  const out: string[] = [];
  for (const [portId, pairs] of view.pairsByPort) {
    if (pairs.length > limits.maxAddressPairs) {
      out.push(`pair-quota: port ${portId} has ${pairs.length} address pairs, the limit is ${limits.maxAddressPairs}`);
    }
  }
  return out;
};

/**
 * A NIC pair naming an address of the NIC's VPC (a host address of one of its subnets) must name an address some
 * port of that VPC holds: a VIP or private IP the pair was bound to. Pairs for blocks or for addresses outside the
 * VPC's subnets are free-form and not checked.
 */
export const danglingBindings: Rule = (view) => {
  const out: string[] = [];
  const held = new Set(view.fixedIps.map((ip) => `${ip.networkId} ${ip.ipAddress}`));
  for (const port of view.ports.values()) {
    if (!isNic(port)) continue;
    const vpcId = vpcOfPort(view, port);
    if (vpcId === undefined) continue;
    for (const pair of view.pairsByPort.get(port.id) ?? []) {
      const address = parseIpv4(pair.ipAddress);
      if (address === undefined) continue;
      const subnet = vpcSubnetHolding(view, vpcId, address);
      if (!subnet || held.has(`${subnet.networkId} ${pair.ipAddress}`)) continue;
      out.push(
        `dangling-binding: NIC ${port.id} of server ${port.deviceId} has pair ${pair.ipAddress}/${pair.macAddress}, but no port of VPC ${vpcId} holds ${pair.ipAddress}`,
      );
    }
  }
  return out;
};

/**
 * A reverse binding on a VIP or private-IP port (a pair with a MAC other than the port's own, naming an address of its
 * VPC) must name the IP and MAC of a NIC that still exists in that VPC.
 */
export const danglingReverseBindings: Rule = (view) => {
  const out: string[] = [];
  const nicAddresses = new Set<string>();
  for (const ip of view.fixedIps) {
    const port = view.ports.get(ip.portId);
    if (port && isNic(port)) nicAddresses.add(`${ip.networkId} ${ip.ipAddress} ${port.macAddress.toLowerCase()}`);
  }
  for (const port of view.ports.values()) {
    if (!isVipCapableOwner(port.deviceOwner)) continue;
    const vpcId = vpcOfPort(view, port);
    if (vpcId === undefined) continue;
    for (const pair of view.pairsByPort.get(port.id) ?? []) {
      if (pair.macAddress.toLowerCase() === port.macAddress.toLowerCase()) continue;
      const address = parseIpv4(pair.ipAddress);
      if (address === undefined) continue;
      const subnet = vpcSubnetHolding(view, vpcId, address);
      if (!subnet || nicAddresses.has(`${subnet.networkId} ${pair.ipAddress} ${pair.macAddress.toLowerCase()}`))
        continue;
      const vip = view.fixedIpsByPort.get(port.id)?.[0]?.ipAddress ?? "?";
      out.push(
        `dangling-reverse-binding: port ${port.id} (${vip}) has pair ${pair.ipAddress}/${pair.macAddress}, but no NIC of VPC ${vpcId} has that IP and MAC`,
      );
    }
  }
  return out;
};

/**
 * The free-address structure is exactly the complement of the held addresses: for every subnet, its free ranges are
 * the host addresses no fixed IP of the subnet holds, as sorted, disjoint, maximal ranges; no ranges for a subnet
 * that does not exist. Skipped for a dump without the table.
 */
export const freeRangesMatch: Rule = (view) => {
  const actual = view.freeRanges;
  if (actual === undefined) return [];
  const out: string[] = [];
  const show = (ranges: { first: number; last: number }[]) =>
    ranges.map((range) => `${formatIpv4(range.first)}-${formatIpv4(range.last)}`).join(", ") || "none";
  const held = new Map<string, number[]>();
  for (const ip of view.fixedIps) {
    const address = parseIpv4(ip.ipAddress);
    if (address !== undefined) held.set(ip.subnetId, [...(held.get(ip.subnetId) ?? []), address]);
  }
  const known = new Set<string>();
  for (const subnet of view.subnetList) {
    known.add(subnet.neutronSubnetId);
    const cidr = subnetCidr(subnet);
    if (!cidr) continue;
    const expected = freeRangesOf(hostRange(cidr), held.get(subnet.neutronSubnetId) ?? []);
    const stored = actual.get(subnet.neutronSubnetId) ?? [];
    if (show(expected) !== show(stored)) {
      out.push(
        `free-ranges: subnet ${subnet.id} (${subnet.cidr}) records free ${show(stored)}, its free addresses are ${show(expected)}`,
      );
    }
  }
  for (const subnetId of actual.keys()) {
    if (!known.has(subnetId)) out.push(`free-ranges: ranges recorded for subnet ${subnetId}, which does not exist`);
  }
  return out;
};

export const RULES: Rule[] = [
  references,
  subnetCidrs,
  uniqueAddresses,
  fixedIpsInSubnets,
  serverNics,
  pairCounts,
  danglingBindings,
  danglingReverseBindings,
  freeRangesMatch,
];

/** Every invariant over one dump; an empty list means the data is sound. */
export function checkDump(dump: StoreDump, limits: InvariantLimits): string[] {
  const view = viewOf(dump);
  return RULES.flatMap((rule) => rule(view, limits));
}

/** The schema must be exactly at the version this build migrates to. */
export function checkSchemaVersion(version: { current: number; latest: number }): string[] {
  if (version.current === version.latest) return [];
  if (version.current > version.latest) {
    return [`schema-version: the database is at version ${version.current}, newer than this build (${version.latest})`];
  }
  return [
    `schema-version: migrations not at latest version: the database is at version ${version.current}, this build's latest is ${version.latest} (starting the server migrates it)`,
  ];
}

/** SQLite's `PRAGMA integrity_check` answers the single row "ok" for a sound file. */
export function checkIntegrity(lines: string[]): string[] {
  if (lines.length === 1 && lines[0] === "ok") return [];
  if (lines.length === 0) return ["integrity-check: no answer"];
  return lines.map((line) => `integrity-check: ${line}`);
}
