import { formatIpv4, parseIpv4 } from "./ipv4.js";

/** An IPv4 network in CIDR notation; `network` is the first address, `broadcast` the last. */
export interface Cidr {
  readonly text: string;
  readonly network: number;
  readonly prefix: number;
  readonly broadcast: number;
}

/** Parses `a.b.c.d/len` and requires the address to be the network address itself (no host bits). */
export function parseCidr(text: string, minPrefix = 0, maxPrefix = 32): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9]\d?)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix < minPrefix || prefix > maxPrefix) return undefined;
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return {
    text: `${formatIpv4(address)}/${prefix}`,
    network: address,
    prefix,
    broadcast: address + size - 1,
  };
}

export function cidrContains(outer: Cidr, address: number): boolean {
  return address >= outer.network && address <= outer.broadcast;
}

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.network >= outer.network && inner.broadcast <= outer.broadcast;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

/** True for addresses a host may use: inside the CIDR and neither the network nor the broadcast address. */
export function isHostAddress(cidr: Cidr, address: number): boolean {
  return address > cidr.network && address < cidr.broadcast;
}

/**
 * The cloud's way to switch a port's source/destination check off: a pair for `1.1.1.1/0` lets the port send and
 * receive for any address (the cloud's documented spelling; `0.0.0.0/0` itself is refused).
 */
export const ANY_ADDRESS_PAIR = "1.1.1.1/0";

/**
 * An address pair may name one address, a whole block (written as its network address), or `1.1.1.1/0` (no
 * source/destination check); `0.0.0.0/0` is refused, as the cloud refuses it.
 */
export function isPairAddress(text: string): boolean {
  if (text === ANY_ADDRESS_PAIR) return true;
  if (text.includes("/")) {
    const cidr = parseCidr(text, 1, 32);
    return cidr !== undefined && cidr.text === text;
  }
  return parseIpv4(text) !== undefined;
}
