import { type Cidr, cidrWithin, parseCidr } from "../net/cidr.js";

/** The private ranges a VPC may use; VPCs are /24 at the smallest. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text) as Cidr);
export const VPC_MAX_PREFIX = 24;

export function parseVpcCidr(text: string): Cidr | undefined {
  const cidr = parseCidr(text, 8, VPC_MAX_PREFIX);
  if (!cidr) return undefined;
  return PRIVATE_RANGES.some((range) => cidrWithin(cidr, range)) ? cidr : undefined;
}

/** Whether a block lies inside one of the private ranges (any prefix). */
export function isPrivateBlock(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some((range) => cidrWithin(cidr, range));
}
