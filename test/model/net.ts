/**
 * IPv4 helpers of the reference model, written apart from src/domain on purpose: the model is an independent oracle.
 * Only canonical forms are accepted: four decimal octets without leading zeros, spaces or signs.
 */

export function ipToNumber(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    for (const ch of part) if (ch < "0" || ch > "9") return undefined;
    if (part.length > 1 && part[0] === "0") return undefined;
    const octet = Number.parseInt(part, 10);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function numberToIp(value: number): string {
  const octets: number[] = [];
  for (let shift = 24; shift >= 0; shift -= 8) octets.push(Math.floor(value / 2 ** shift) % 256);
  return octets.join(".");
}

export interface Block {
  network: number;
  prefix: number;
  /** Last address of the block. */
  last: number;
}

/** `a.b.c.d/len`, canonical: no host bits set, length written without leading zeros. */
export function parseBlock(text: string, minPrefix = 0): Block | undefined {
  const parts = text.split("/");
  if (parts.length !== 2) return undefined;
  const [address, length] = parts as [string, string];
  const network = ipToNumber(address);
  if (network === undefined || !/^\d{1,2}$/.test(length) || (length.length > 1 && length[0] === "0")) return undefined;
  const prefix = Number(length);
  if (prefix < minPrefix || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (network % size !== 0) return undefined;
  return { network, prefix, last: network + size - 1 };
}

/**
 * What the cloud accepts as an allowed address pair's ip_address: an address, a block other than /0, or the
 * documented `1.1.1.1/0` that turns the source/destination check off.
 */
export function isPairAddress(text: string): boolean {
  if (text === "1.1.1.1/0") return true;
  return text.includes("/") ? parseBlock(text, 1) !== undefined : ipToNumber(text) !== undefined;
}

export function isMacAddress(text: string): boolean {
  const parts = text.split(":");
  return parts.length === 6 && parts.every((part) => /^[0-9a-fA-F]{2}$/.test(part));
}
