import { type AddressRange, allocatableRanges } from "../../domain/ipam/allocation-pools.js";
import { isAssignableAddress } from "../../domain/ipam/subnet-addresses.js";
import type { Subnet } from "../../domain/model.js";
import { type Cidr, parseCidr } from "../../domain/net/cidr.js";
import { formatIpv4 } from "../../domain/net/ipv4.js";
import type { Tx } from "../../store/store.js";

export type Allocation = { ok: true; ipAddress: string } | { ok: false; reason: "invalid" | "in-use" | "exhausted" };

/**
 * Hands out addresses of one subnet within one unit of work: a requested address when it is a free host address
 * (inside the subnet's allocation pools or not, as Neutron allows), otherwise the lowest free one of the pools. Used addresses are read once, so a request creating many
 * ports stays linear. Concurrent units of work are kept apart by the unique (network, ip) index and a retry.
 */
export class SubnetAllocator {
  private cursor: number;
  private range = 0;

  private constructor(
    private readonly cidr: Cidr,
    private readonly ranges: AddressRange[],
    private readonly used: Set<string>,
  ) {
    this.cursor = ranges[0]?.[0] ?? 0;
  }

  static async load(tx: Tx, subnet: Subnet): Promise<SubnetAllocator> {
    const cidr = parseCidr(subnet.cidr);
    if (!cidr) throw new Error(`subnet ${subnet.id} has an unparseable CIDR ${subnet.cidr}`);
    return new SubnetAllocator(
      cidr,
      allocatableRanges(cidr, subnet.allocationPools),
      await tx.usedAddresses(subnet.networkId),
    );
  }

  take(requested: string | undefined): Allocation {
    if (requested !== undefined) {
      if (!isAssignableAddress(this.cidr, requested)) return { ok: false, reason: "invalid" };
      if (this.used.has(requested)) return { ok: false, reason: "in-use" };
      this.used.add(requested);
      return { ok: true, ipAddress: requested };
    }
    for (; this.range < this.ranges.length; this.range++) {
      const [first, last] = this.ranges[this.range] ?? [0, -1];
      if (this.cursor < first) this.cursor = first;
      for (; this.cursor <= last; this.cursor++) {
        const candidate = formatIpv4(this.cursor);
        if (!this.used.has(candidate)) {
          this.used.add(candidate);
          return { ok: true, ipAddress: candidate };
        }
      }
    }
    return { ok: false, reason: "exhausted" };
  }
}

/** One allocator per subnet for the life of a unit of work. */
export class Allocators {
  private readonly bySubnet = new Map<string, SubnetAllocator>();

  constructor(private readonly tx: Tx) {}

  async for(subnet: Subnet): Promise<SubnetAllocator> {
    let allocator = this.bySubnet.get(subnet.id);
    if (!allocator) {
      // Serialises allocation per subnet where the store has row locks, so concurrent requests rarely collide.
      await this.tx.getSubnet(subnet.id, { forUpdate: true });
      allocator = await SubnetAllocator.load(this.tx, subnet);
      this.bySubnet.set(subnet.id, allocator);
    }
    return allocator;
  }
}
