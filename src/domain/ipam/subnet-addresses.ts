import type { Subnet } from "../model.js";
import { type Cidr, isHostAddress, parseCidr } from "../net/cidr.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";
import { allocatableRanges } from "./allocation-pools.js";

/** A port every subnet owns from birth, with the address it holds. */
export interface SystemAddress {
  readonly deviceOwner: "network:router_interface_distributed" | "network:dhcp";
  readonly ipAddress: string;
}

/** Smallest subnet that still has room for gateway, DHCP, system port and hosts. */
export const SUBNET_MAX_PREFIX = 28;

/** The gateway (unless the subnet has none, `""`), DHCP on broadcast−1 and the distributed router interface on broadcast−2. */
export function systemAddresses(cidr: Cidr, gatewayIp: string): SystemAddress[] {
  const gateway: SystemAddress[] =
    gatewayIp === "" ? [] : [{ deviceOwner: "network:router_interface_distributed", ipAddress: gatewayIp }];
  return [
    ...gateway,
    { deviceOwner: "network:dhcp", ipAddress: formatIpv4(cidr.broadcast - 1) },
    { deviceOwner: "network:router_interface_distributed", ipAddress: formatIpv4(cidr.broadcast - 2) },
  ];
}

/** A gateway must be a host address of the subnet that DHCP and the system port do not already hold. */
export function isValidGateway(cidr: Cidr, gatewayIp: string): boolean {
  const address = parseIpv4(gatewayIp);
  return address !== undefined && isHostAddress(cidr, address) && address < cidr.broadcast - 2;
}

export function isSystemOwner(deviceOwner: string): boolean {
  return deviceOwner === "network:dhcp" || deviceOwner === "network:router_interface_distributed";
}

export function isAssignableAddress(cidr: Cidr, ipAddress: string): boolean {
  const address = parseIpv4(ipAddress);
  return address !== undefined && isHostAddress(cidr, address);
}

/** An inclusive range of IPv4 addresses, as unsigned 32-bit integers. */
export interface AddressRange {
  readonly first: number;
  readonly last: number;
}

/** Every address a port of the subnet may hold (network+1 … broadcast−1): what the free-address structure covers. */
export function hostRange(cidr: Cidr): AddressRange {
  return { first: cidr.network + 1, last: cidr.broadcast - 1 };
}

/**
 * Where automatic allocation looks, in order, lowest address first: the subnet's allocation pools (by default
 * network+2 … broadcast−3 without the gateway; see allocation-pools.ts). The one place that says which addresses a
 * subnet hands out by itself; an address asked for by name may be any host address (`isAssignableAddress`).
 */
export function allocationRanges(subnet: Pick<Subnet, "cidr" | "allocationPools">): AddressRange[] {
  const cidr = parseCidr(subnet.cidr);
  if (!cidr) return [];
  return allocatableRanges(cidr, subnet.allocationPools).map(([first, last]) => ({ first, last }));
}

/** What is left of `range` once the `used` addresses are taken: sorted, disjoint and maximal ranges. */
export function freeRangesOf(range: AddressRange, used: Iterable<number>): AddressRange[] {
  const taken = [...new Set(used)].filter((address) => address >= range.first && address <= range.last);
  taken.sort((a, b) => a - b);
  const free: AddressRange[] = [];
  let next = range.first;
  for (const address of taken) {
    if (address > next) free.push({ first: next, last: address - 1 });
    next = address + 1;
  }
  if (next <= range.last) free.push({ first: next, last: range.last });
  return free;
}
