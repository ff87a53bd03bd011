import { describe, expect, it } from "vitest";
import {
  allocatableRanges,
  checkAllocationPools,
  defaultAllocationPools,
} from "../../../src/domain/ipam/allocation-pools.js";
import { type Cidr, parseCidr } from "../../../src/domain/net/cidr.js";
import { parseIpv4 } from "../../../src/domain/net/ipv4.js";

const cidr = parseCidr("10.0.0.0/24") as Cidr;
const ip = (text: string) => parseIpv4(text) as number;

describe("allocation pools", () => {
  it("default to network+2 … broadcast−3 without the gateway, split around it", () => {
    expect(defaultAllocationPools(cidr, "10.0.0.1")).toEqual([{ start: "10.0.0.2", end: "10.0.0.252" }]);
    expect(defaultAllocationPools(cidr, "10.0.0.10")).toEqual([
      { start: "10.0.0.2", end: "10.0.0.9" },
      { start: "10.0.0.11", end: "10.0.0.252" },
    ]);
    expect(defaultAllocationPools(parseCidr("10.0.0.0/28") as Cidr, "10.0.0.2")).toEqual([
      { start: "10.0.0.3", end: "10.0.0.12" },
    ]);
  });

  it("give the allocator host-address ranges, lowest first, clipped to the CIDR", () => {
    expect(
      allocatableRanges(cidr, [
        { start: "10.0.0.50", end: "10.0.0.60" },
        { start: "10.0.0.0", end: "10.0.0.3" },
        { start: "10.0.0.250", end: "10.0.1.9" },
      ]),
    ).toEqual([
      [ip("10.0.0.1"), ip("10.0.0.3")],
      [ip("10.0.0.50"), ip("10.0.0.60")],
      [ip("10.0.0.250"), ip("10.0.0.254")],
    ]);
    expect(allocatableRanges(cidr, [])).toEqual([]);
  });

  it("are checked as Neutron checks them, in order: form, bounds, overlap, gateway", () => {
    const check = (pools: { start: string; end: string }[]) => checkAllocationPools(cidr, "10.0.0.1", pools);
    expect(check([{ start: "10.0.0.20", end: "10.0.0.10" }])).toEqual({
      ok: false,
      reason: "invalid",
      pool: "10.0.0.20-10.0.0.10",
    });
    expect(check([{ start: "x", end: "10.0.0.10" }])).toMatchObject({ ok: false, reason: "invalid" });
    expect(check([{ start: "10.0.0.0", end: "10.0.0.10" }])).toMatchObject({ reason: "out-of-bounds" });
    expect(check([{ start: "10.0.0.2", end: "10.0.0.255" }])).toMatchObject({ reason: "out-of-bounds" });
    expect(
      check([
        { start: "10.0.0.30", end: "10.0.0.40" },
        { start: "10.0.0.2", end: "10.0.0.30" },
      ]),
    ).toEqual({ ok: false, reason: "overlap", pool: "10.0.0.2-10.0.0.30", other: "10.0.0.30-10.0.0.40" });
    expect(check([{ start: "10.0.0.1", end: "10.0.0.5" }])).toMatchObject({ reason: "gateway-conflict" });
    expect(check([{ start: "10.0.0.2", end: "10.0.0.2" }])).toEqual({
      ok: true,
      pools: [{ start: "10.0.0.2", end: "10.0.0.2" }],
    });
    expect(check([])).toEqual({ ok: true, pools: [] });
  });
});
