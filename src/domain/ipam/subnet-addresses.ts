import { type Cidr, isHostAddress } from "../net/cidr.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";

/** A port every subnet owns from birth, with the address it holds. */
export interface SystemAddress {
  readonly deviceOwner: "network:router_interface_distributed" | "network:dhcp";
  readonly ipAddress: string;
}

/** Smallest subnet that still has room for gateway, DHCP, system port and hosts. */
export const SUBNET_MAX_PREFIX = 28;

/** The gateway, DHCP on broadcast−1 and the distributed router interface on broadcast−2. */
export function systemAddresses(cidr: Cidr, gatewayIp: string): SystemAddress[] {
  return [
    { deviceOwner: "network:router_interface_distributed", ipAddress: gatewayIp },
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
