import { describe, expect, it } from "vitest";
import {
  cidrContains,
  cidrsOverlap,
  cidrWithin,
  isHostAddress,
  isPairAddress,
  parseCidr,
} from "../../../src/domain/net/cidr.js";
import { formatIpv4, isIpv4, parseIpv4 } from "../../../src/domain/net/ipv4.js";

describe("IPv4 parsing", () => {
  it.each(["0.0.0.0", "192.168.0.7", "255.255.255.255", "10.0.0.1"])("accepts %s", (text) => {
    expect(isIpv4(text)).toBe(true);
    expect(formatIpv4(parseIpv4(text) as number)).toBe(text);
  });

  it.each([
    "192.168.0.256",
    "192.168.000.7",
    "192.168.0.07",
    " 192.168.0.7",
    "192.168.0.7 ",
    "192.168.0.7/32",
    "::1",
    "192.168.0",
    "192.168.0.7.1",
    "1e1.0.0.1",
    "",
    "0x1.0.0.1",
    "١٩٢.١.١.١",
  ])("rejects %j", (text) => {
    expect(isIpv4(text)).toBe(false);
  });

  it("maps addresses to ordered integers", () => {
    expect(parseIpv4("0.0.0.1")).toBe(1);
    expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(formatIpv4(2 ** 32 - 1)).toBe("255.255.255.255");
  });
});

describe("CIDR math", () => {
  it("parses network and broadcast", () => {
    const cidr = parseCidr("192.168.1.0/24");
    expect(cidr && formatIpv4(cidr.network)).toBe("192.168.1.0");
    expect(cidr && formatIpv4(cidr.broadcast)).toBe("192.168.1.255");
  });

  it.each(["192.168.1.1/24", "192.168.1.0/33", "192.168.1.0/", "192.168.1.0", "192.168.1.0/024", "300.1.1.0/24"])(
    "rejects %j",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it("respects prefix bounds", () => {
    expect(parseCidr("10.0.0.0/8", 16, 28)).toBeUndefined();
    expect(parseCidr("10.0.0.0/29", 16, 28)).toBeUndefined();
    expect(parseCidr("10.0.0.0/28", 16, 28)).toBeDefined();
  });

  it("knows containment, nesting and overlap", () => {
    const vpc = parseCidr("192.168.0.0/16")!;
    const a = parseCidr("192.168.1.0/24")!;
    const b = parseCidr("192.168.1.128/25")!;
    const c = parseCidr("192.168.2.0/24")!;
    expect(cidrWithin(a, vpc)).toBe(true);
    expect(cidrWithin(vpc, a)).toBe(false);
    expect(cidrsOverlap(a, b)).toBe(true);
    expect(cidrsOverlap(a, c)).toBe(false);
    expect(cidrContains(a, parseIpv4("192.168.1.77")!)).toBe(true);
    expect(cidrContains(a, parseIpv4("192.168.2.1")!)).toBe(false);
  });

  it("excludes network and broadcast from host addresses", () => {
    const cidr = parseCidr("192.168.1.0/24")!;
    expect(isHostAddress(cidr, parseIpv4("192.168.1.0")!)).toBe(false);
    expect(isHostAddress(cidr, parseIpv4("192.168.1.255")!)).toBe(false);
    expect(isHostAddress(cidr, parseIpv4("192.168.1.1")!)).toBe(true);
    expect(isHostAddress(cidr, parseIpv4("192.168.1.254")!)).toBe(true);
  });

  it("accepts addresses, blocks and 1.1.1.1/0 (no source/destination check) as pair addresses, never 0.0.0.0/0", () => {
    expect(isPairAddress("10.0.0.5")).toBe(true);
    expect(isPairAddress("10.0.0.0/24")).toBe(true);
    expect(isPairAddress("1.1.1.1/0")).toBe(true);
    expect(isPairAddress("1.1.1.1/1")).toBe(false);
    expect(isPairAddress("2.2.2.2/0")).toBe(false);
    expect(isPairAddress("0.0.0.0/0")).toBe(false);
    expect(isPairAddress("10.0.0.5/24")).toBe(false);
  });
});
