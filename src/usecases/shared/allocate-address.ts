import { type AddressRange, allocationRanges, isAssignableAddress } from "../../domain/ipam/subnet-addresses.js";
import type { Subnet } from "../../domain/model.js";
import { type Cidr, parseCidr } from "../../domain/net/cidr.js";
import { formatIpv4, parseIpv4 } from "../../domain/net/ipv4.js";
import type { Tx } from "../../store/store.js";

export type Allocation = { ok: true; ipAddress: string } | { ok: false; reason: "invalid" | "in-use" | "exhausted" };

/** Free ranges read per seek: enough for a large batch of ports, small enough to cost nothing for one. */
const RANGES_PER_READ = 32;

/**
 * Hands out addresses of one subnet within one unit of work: a requested address when it is a free host address,
 * otherwise the lowest free one of the subnet's allocation ranges (`allocationRanges`). Free addresses come from the
 * store's free-range structure, one indexed seek at a time, so the cost does not grow with what the subnet holds.
 * Addresses handed out here are remembered until the unit of work ends (its ports are inserted after allocation).
 * Concurrent units of work are kept apart by the subnet's row lock, the unique (network, ip) index and a retry.
 */
export class SubnetAllocator {
  private readonly handed = new Set<number>();
  private readonly ranges: AddressRange[];
  /** Index into `ranges` and the lowest address automatic allocation still considers. */
  private rangeIndex = 0;
  private cursor: number;
  /** Free ranges read ahead from `cursor` upward, lowest first; `complete` once the store had no more. */
  private ahead: AddressRange[] = [];
  private complete = false;
  private readonly cidr: Cidr;

  constructor(
    private readonly tx: Tx,
    private readonly subnet: Subnet,
  ) {
    const cidr = parseCidr(subnet.cidr);
    if (!cidr) throw new Error(`subnet ${subnet.id} has an unparseable CIDR ${subnet.cidr}`);
    this.cidr = cidr;
    this.ranges = allocationRanges(subnet);
    this.cursor = this.ranges[0]?.first ?? 0;
  }

  async take(requested: string | undefined): Promise<Allocation> {
    if (requested !== undefined) return this.takeRequested(requested);
    while (this.rangeIndex < this.ranges.length) {
      const range = this.ranges[this.rangeIndex] as AddressRange;
      const candidate = await this.lowestFreeFrom(Math.max(this.cursor, range.first));
      if (candidate === undefined || candidate > range.last) {
        this.rangeIndex++;
        this.cursor = this.ranges[this.rangeIndex]?.first ?? this.cursor;
        continue;
      }
      this.cursor = candidate + 1;
      if (this.handed.has(candidate)) continue;
      this.handed.add(candidate);
      return { ok: true, ipAddress: formatIpv4(candidate) };
    }
    return { ok: false, reason: "exhausted" };
  }

  private async takeRequested(requested: string): Promise<Allocation> {
    const address = parseIpv4(requested);
    if (address === undefined || !isAssignableAddress(this.cidr, requested)) return { ok: false, reason: "invalid" };
    if (this.handed.has(address)) return { ok: false, reason: "in-use" };
    const [range] = await this.tx.networks.freeRanges(this.subnet.neutronSubnetId, address, 1);
    if (!range || range.first > address) return { ok: false, reason: "in-use" };
    this.handed.add(address);
    return { ok: true, ipAddress: requested };
  }

  /** The lowest address at or above `from` that the store holds free, reading ahead a few ranges at a time. */
  private async lowestFreeFrom(from: number): Promise<number | undefined> {
    while (this.ahead.length > 0 && (this.ahead[0] as AddressRange).last < from) this.ahead.shift();
    if (this.ahead.length === 0 && !this.complete) {
      this.ahead = await this.tx.networks.freeRanges(this.subnet.neutronSubnetId, from, RANGES_PER_READ);
      this.complete = this.ahead.length < RANGES_PER_READ;
    }
    const next = this.ahead[0];
    return next === undefined ? undefined : Math.max(next.first, from);
  }
}

/** One allocator per subnet for the life of a unit of work. */
export class Allocators {
  private readonly bySubnet = new Map<string, SubnetAllocator>();

  constructor(private readonly tx: Tx) {}

  async for(subnet: Subnet): Promise<SubnetAllocator> {
    let allocator = this.bySubnet.get(subnet.id);
    if (!allocator) {
      // Serialises allocation per subnet where the store has row locks (and covers the free ranges' changes).
      await this.tx.networks.getSubnet(subnet.id, { forUpdate: true });
      allocator = new SubnetAllocator(this.tx, subnet);
      this.bySubnet.set(subnet.id, allocator);
    }
    return allocator;
  }
}
