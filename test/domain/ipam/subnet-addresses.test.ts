import { describe, expect, it } from "vitest";
import {
  allocationRanges,
  freeRangesOf,
  hostRange,
  isAssignableAddress,
  isValidGateway,
  systemAddresses,
} from "../../../src/domain/ipam/subnet-addresses.js";
import { parseCidr } from "../../../src/domain/net/cidr.js";

const cidr = parseCidr("192.168.0.0/24")!;

describe("reserved addresses of a subnet", () => {
  it("places the gateway, DHCP on broadcast-1 and the system port on broadcast-2", () => {
    expect(systemAddresses(cidr, "192.168.0.1")).toEqual([
      { deviceOwner: "network:router_interface_distributed", ipAddress: "192.168.0.1" },
      { deviceOwner: "network:dhcp", ipAddress: "192.168.0.254" },
      { deviceOwner: "network:router_interface_distributed", ipAddress: "192.168.0.253" },
    ]);
  });

  it("accepts a gateway only where no reserved address is", () => {
    expect(isValidGateway(cidr, "192.168.0.1")).toBe(true);
    expect(isValidGateway(cidr, "192.168.0.100")).toBe(true);
    for (const bad of ["192.168.0.0", "192.168.0.255", "192.168.0.254", "192.168.0.253", "192.168.1.1", "x"]) {
      expect(isValidGateway(cidr, bad)).toBe(false);
    }
  });

  it("assigns only host addresses inside the subnet", () => {
    expect(isAssignableAddress(cidr, "192.168.0.2")).toBe(true);
    expect(isAssignableAddress(cidr, "192.168.0.0")).toBe(false);
    expect(isAssignableAddress(cidr, "192.168.0.255")).toBe(false);
    expect(isAssignableAddress(cidr, "192.168.1.2")).toBe(false);
    expect(isAssignableAddress(cidr, "192.168.0.02")).toBe(false);
  });
});

describe("free and allocatable ranges of a subnet", () => {
  const cidr = parseCidr("10.0.0.0/28")!;
  it("covers the host addresses, and allocates from the subnet's pools, lowest first, inside the CIDR", () => {
    expect(hostRange(cidr)).toEqual({ first: cidr.network + 1, last: cidr.broadcast - 1 });
    const pools = [
      { start: "10.0.0.9", end: "10.0.0.20" },
      { start: "10.0.0.2", end: "10.0.0.4" },
    ];
    expect(allocationRanges({ cidr: "10.0.0.0/28", allocationPools: pools })).toEqual([
      { first: cidr.network + 2, last: cidr.network + 4 },
      { first: cidr.network + 9, last: cidr.broadcast - 1 },
    ]);
    expect(allocationRanges({ cidr: "not a cidr", allocationPools: pools })).toEqual([]);
  });

  it("leaves the complement of the used addresses as sorted, disjoint, maximal ranges", () => {
    const n = cidr.network;
    const range = hostRange(cidr);
    expect(freeRangesOf(range, [])).toEqual([range]);
    expect(freeRangesOf(range, [n + 5, n + 1, n + 14, n + 6, n + 5, n + 99])).toEqual([
      { first: n + 2, last: n + 4 },
      { first: n + 7, last: n + 13 },
    ]);
    const all = Array.from({ length: 14 }, (_, i) => n + 1 + i);
    expect(freeRangesOf(range, all)).toEqual([]);
  });
});
