import { describe, expect, it } from "vitest";
import { dataplaneNames, shortId } from "../../../src/domain/portsec/names.js";
import { pairSource, renderRuleset } from "../../../src/domain/portsec/ruleset.js";

const MAC = "fa:16:3e:00:00:0a";
const OTHER_MAC = "fa:16:3e:00:00:0b";

/** The rules of one NIC's chain, without indentation. */
function chainOf(ruleset: string, link: string): string[] | undefined {
  const start = ruleset.indexOf(`chain nic_${link} {`);
  if (start < 0) return undefined;
  const body = ruleset.slice(start, ruleset.indexOf("}", start));
  return body
    .split("\n")
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

const ipRule = (mac: string, source: string) => `ether saddr ${mac} ether type ip ip saddr ${source} accept`;
const arpRule = (mac: string, source: string) =>
  `ether saddr ${mac} ether type arp arp saddr ether ${mac} arp saddr ip ${source} accept`;

describe("port security ruleset", () => {
  it("IP only: a NIC may send as its fixed IP with its own MAC, and nothing else", () => {
    const ruleset = renderRuleset([
      { link: "pa", macAddress: MAC.toUpperCase(), fixedIps: ["10.0.0.5"], allowedAddressPairs: [] },
    ]);
    expect(chainOf(ruleset, "pa")).toEqual([ipRule(MAC, "10.0.0.5"), arpRule(MAC, "10.0.0.5"), "drop"]);
    expect(ruleset).toContain('"pa" : jump nic_pa');
  });

  it("a pair without MAC allows its address for the port's MAC; a pair with a MAC only for frames from that MAC", () => {
    const ruleset = renderRuleset([
      {
        link: "pa",
        macAddress: MAC,
        fixedIps: ["10.0.0.5"],
        allowedAddressPairs: [
          { ipAddress: "10.0.0.100", macAddress: "" },
          { ipAddress: "10.0.0.101", macAddress: OTHER_MAC },
        ],
      },
    ]);
    expect(chainOf(ruleset, "pa")).toEqual([
      ipRule(MAC, "10.0.0.100"),
      arpRule(MAC, "10.0.0.100"),
      ipRule(MAC, "10.0.0.5"),
      arpRule(MAC, "10.0.0.5"),
      ipRule(OTHER_MAC, "10.0.0.101"),
      arpRule(OTHER_MAC, "10.0.0.101"),
      "drop",
    ]);
  });

  it("a CIDR pair allows that source block (host bits masked off)", () => {
    const ruleset = renderRuleset([
      {
        link: "pa",
        macAddress: MAC,
        fixedIps: ["10.0.0.5"],
        allowedAddressPairs: [{ ipAddress: "10.0.8.9/21", macAddress: MAC }],
      },
    ]);
    expect(chainOf(ruleset, "pa")).toContain(ipRule(MAC, "10.0.8.0/21"));
    expect(chainOf(ruleset, "pa")).toContain(arpRule(MAC, "10.0.8.0/21"));
  });

  it("a pair 1.1.1.1/0 turns the source check off for that NIC only", () => {
    const ruleset = renderRuleset([
      {
        link: "pa",
        macAddress: MAC,
        fixedIps: ["10.0.0.5"],
        allowedAddressPairs: [{ ipAddress: "1.1.1.1/0", macAddress: "" }],
      },
      { link: "pb", macAddress: OTHER_MAC, fixedIps: ["10.0.0.6"], allowedAddressPairs: [] },
    ]);
    expect(chainOf(ruleset, "pa")).toEqual(["accept"]);
    expect(chainOf(ruleset, "pb")).toEqual([ipRule(OTHER_MAC, "10.0.0.6"), arpRule(OTHER_MAC, "10.0.0.6"), "drop"]);
  });

  it("several NICs each get their own chain; a NIC link without a chain is dropped by the catch-all", () => {
    const ruleset = renderRuleset([
      { link: "pb", macAddress: OTHER_MAC, fixedIps: ["10.0.1.6"], allowedAddressPairs: [] },
      { link: "pa", macAddress: MAC, fixedIps: ["10.0.0.5"], allowedAddressPairs: [] },
      { link: "pc", macAddress: "not-a-mac", fixedIps: ["10.0.0.7"], allowedAddressPairs: [] },
    ]);
    const base = chainOf(ruleset.replace("chain port_security", "chain nic_base"), "base");
    expect(base).toEqual([
      "type filter hook forward priority 0; policy accept;",
      "iifname vmap @nic_chains",
      'iifname "p*" drop',
    ]);
    expect(ruleset).toContain(
      'map nic_chains { type ifname : verdict; elements = { "pa" : jump nic_pa, "pb" : jump nic_pb }; }',
    );
    expect(chainOf(ruleset, "pc")).toBeUndefined();
  });

  it("ignores what it cannot express safely: IPv6 pairs, malformed addresses and MACs", () => {
    const ruleset = renderRuleset([
      {
        link: "pa",
        macAddress: MAC,
        fixedIps: ["10.0.0.5"],
        allowedAddressPairs: [
          { ipAddress: "2001:db8::1", macAddress: "" },
          { ipAddress: "10.0.0.7; flush ruleset", macAddress: "" },
          { ipAddress: "10.0.0.8", macAddress: "zz" },
        ],
      },
    ]);
    expect(chainOf(ruleset, "pa")).toEqual([ipRule(MAC, "10.0.0.5"), arpRule(MAC, "10.0.0.5"), "drop"]);
    expect(ruleset).not.toContain("flush");
  });

  it("replaces the table in one transaction and is the same text for the same input in any order", () => {
    const nics = [
      { link: "pb", macAddress: OTHER_MAC, fixedIps: ["10.0.0.6"], allowedAddressPairs: [] },
      { link: "pa", macAddress: MAC, fixedIps: ["10.0.0.5"], allowedAddressPairs: [] },
    ];
    const ruleset = renderRuleset(nics);
    expect(ruleset.split("\n").slice(0, 3)).toEqual([
      "table bridge ecs_vip_portsec",
      "delete table bridge ecs_vip_portsec",
      "table bridge ecs_vip_portsec {",
    ]);
    expect(renderRuleset([...nics].reverse())).toBe(ruleset);
    expect(ruleset).not.toMatch(/chain fwd\b/);
  });

  it("reads pair addresses: one address, a block, /0 as anything, and nothing else", () => {
    expect(pairSource("10.0.0.1")).toEqual({ kind: "address", text: "10.0.0.1" });
    expect(pairSource("10.0.0.1/32")).toEqual({ kind: "address", text: "10.0.0.1" });
    expect(pairSource("10.0.0.77/26")).toEqual({ kind: "address", text: "10.0.0.64/26" });
    expect(pairSource("1.1.1.1/0")).toEqual({ kind: "any" });
    expect(pairSource("10.0.0.1/33")).toBeUndefined();
    expect(pairSource("::1")).toBeUndefined();
  });
});

describe("data plane names", () => {
  it("derive from ids with the prefix, within the kernel's 15 characters, distinct per kind", () => {
    const names = dataplaneNames("evt1a2b");
    const id = "3f2b8c1d-aaaa-4bbb-8ccc-0123456789ab";
    expect(names.dataplaneNamespace).toBe("evt1a2b-dp");
    expect(names.serverNamespace(id)).toBe(`evt1a2b-srv-${id}`);
    expect(names.routerNamespace(id)).toBe(`evt1a2b-rt-${id}`);
    expect(names.internetNamespace).toBe("evt1a2b-inet");
    expect(names.uplinkLink(id)).toBe("u3f2b8c1daaaa");
    expect(names.nicLink(id)).toBe("p3f2b8c1daaaa");
    expect(new Set([names.bridge(id), names.nicLink(id), names.gatewayLink(id)]).size).toBe(3);
    for (const name of [names.bridge(id), names.nicLink("tag-port-a"), names.gatewayLink("x y")]) {
      expect(name.length).toBeLessThanOrEqual(15);
      expect(name).toMatch(/^[a-z][0-9a-f]{12}$/);
    }
    expect(shortId("tag-port-a")).not.toBe(shortId("tag-port-b"));
    expect(names.serverNamespace("../etc")).toMatch(/^evt1a2b-srv-[0-9a-f]{12}$/);
    expect(names.owns("evt1a2b-srv-x")).toBe(true);
    expect(names.owns("evt1a2bx-srv-x")).toBe(false);
    expect(() => dataplaneNames("Bad-Prefix")).toThrow();
  });
});
