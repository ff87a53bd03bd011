import type { AllocationPool } from "../model.js";
import { type Cidr, isHostAddress } from "../net/cidr.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";

/** An inclusive range of IPv4 addresses as integers. */
export type AddressRange = readonly [first: number, last: number];

/**
 * The pools a subnet gets when none are given: network+2 up to broadcast−3 (the first address and the last three
 * are the cloud's; see subnet-addresses.ts), without the gateway. A gateway inside splits the range in two.
 */
export function defaultAllocationPools(cidr: Cidr, gatewayIp: string): AllocationPool[] {
  const gateway = parseIpv4(gatewayIp);
  const first = cidr.network + 2;
  const last = cidr.broadcast - 3;
  const ranges: AddressRange[] =
    gateway !== undefined && gateway >= first && gateway <= last
      ? [
          [first, gateway - 1],
          [gateway + 1, last],
        ]
      : [[first, last]];
  return ranges.filter(([a, b]) => a <= b).map(([a, b]) => ({ start: formatIpv4(a), end: formatIpv4(b) }));
}

/**
 * Where automatic allocation may take addresses from: the subnet's pools as host-address ranges, lowest first.
 * A requested address only has to be a host address of the CIDR, inside a pool or not (as Neutron allows).
 */
export function allocatableRanges(cidr: Cidr, pools: readonly AllocationPool[]): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const pool of pools) {
    const start = parseIpv4(pool.start);
    const end = parseIpv4(pool.end);
    if (start === undefined || end === undefined) continue;
    const first = Math.max(start, cidr.network + 1);
    const last = Math.min(end, cidr.broadcast - 1);
    if (first <= last) ranges.push([first, last]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

export type PoolCheck =
  | { ok: true; pools: AllocationPool[] }
  | { ok: false; reason: "invalid"; pool: string }
  | { ok: false; reason: "out-of-bounds"; pool: string }
  | { ok: false; reason: "overlap"; pool: string; other: string }
  | { ok: false; reason: "gateway-conflict"; pool: string };

const poolText = (pool: AllocationPool) => `${pool.start}-${pool.end}`;

/** Neutron's checks of requested pools: well-formed, inside the CIDR's host addresses, disjoint, gateway outside. */
export function checkAllocationPools(cidr: Cidr, gatewayIp: string, pools: readonly AllocationPool[]): PoolCheck {
  const parsed: { pool: AllocationPool; first: number; last: number }[] = [];
  for (const pool of pools) {
    const first = parseIpv4(pool.start);
    const last = parseIpv4(pool.end);
    if (first === undefined || last === undefined || first > last) {
      return { ok: false, reason: "invalid", pool: poolText(pool) };
    }
    if (!isHostAddress(cidr, first) || !isHostAddress(cidr, last)) {
      return { ok: false, reason: "out-of-bounds", pool: poolText(pool) };
    }
    parsed.push({ pool, first, last });
  }
  parsed.sort((a, b) => a.first - b.first);
  for (let i = 1; i < parsed.length; i++) {
    const before = parsed[i - 1];
    const current = parsed[i];
    if (before && current && current.first <= before.last) {
      return { ok: false, reason: "overlap", pool: poolText(before.pool), other: poolText(current.pool) };
    }
  }
  const gateway = parseIpv4(gatewayIp);
  const holding = parsed.find(({ first, last }) => gateway !== undefined && gateway >= first && gateway <= last);
  if (holding) return { ok: false, reason: "gateway-conflict", pool: poolText(holding.pool) };
  return { ok: true, pools: parsed.map(({ pool }) => ({ start: pool.start, end: pool.end })) };
}
