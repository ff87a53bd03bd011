import { describe, expect, it } from "vitest";
import {
  insertRange,
  intervalElements,
  knownRange,
  mergedElements,
  networkOf,
  type Range,
  removeRange,
} from "../../../src/domain/portsec/address-set.js";
import { emptyRulesPlan, renderRules } from "../../../src/domain/portsec/rules-plan.js";
import { groupSet, nicMarks, ruleMatch, securityGroupParts } from "../../../src/domain/portsec/security-groups.js";
import type { SecurityGroupRule } from "../../../src/domain/security-groups/model.js";

const T = "2024-01-01T00:00:00.000Z";
function rule(fields: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    id: "r",
    projectId: "p",
    securityGroupId: "g1",
    direction: "ingress",
    ethertype: "IPv4",
    protocol: null,
    portRangeMin: null,
    portRangeMax: null,
    remoteIpPrefix: null,
    remoteGroupId: null,
    description: "",
    revisionNumber: 0,
    createdAt: T,
    updatedAt: T,
    ...fields,
  };
}

describe("a security group rule as an nftables match", () => {
  it("protocol by name or number, or any", () => {
    expect(ruleMatch(rule({}))).toBe("");
    expect(ruleMatch(rule({ protocol: "tcp" }))).toBe("meta l4proto tcp");
    expect(ruleMatch(rule({ protocol: "6" }))).toBe("meta l4proto tcp");
    expect(ruleMatch(rule({ protocol: "112" }))).toBe("meta l4proto 112");
    expect(ruleMatch(rule({ protocol: "gre" }))).toBe("meta l4proto gre");
    expect(ruleMatch(rule({ protocol: "icmpv6" }))).toBeUndefined();
  });

  it("destination port ranges; ICMP type and code", () => {
    expect(ruleMatch(rule({ protocol: "udp", portRangeMin: 53, portRangeMax: 53 }))).toBe(
      "meta l4proto udp th dport 53",
    );
    expect(ruleMatch(rule({ protocol: "tcp", portRangeMin: 8000, portRangeMax: 8100, direction: "egress" }))).toBe(
      "meta l4proto tcp th dport 8000-8100",
    );
    expect(ruleMatch(rule({ protocol: "icmp", portRangeMin: 8 }))).toBe("meta l4proto icmp icmp type 8");
    expect(ruleMatch(rule({ protocol: "icmp", portRangeMin: 3, portRangeMax: 4 }))).toBe(
      "meta l4proto icmp icmp type 3 icmp code 4",
    );
  });

  it("the remote side is the source of ingress and the destination of egress", () => {
    expect(ruleMatch(rule({ remoteIpPrefix: "10.1.2.3/16" }))).toBe("ip saddr 10.1.0.0/16");
    expect(ruleMatch(rule({ remoteIpPrefix: "10.1.2.3/32", direction: "egress" }))).toBe("ip daddr 10.1.2.3");
    expect(ruleMatch(rule({ remoteIpPrefix: "0.0.0.0/0" }))).toBe("");
    expect(ruleMatch(rule({ remoteGroupId: "g2" }))).toBe(`ip saddr @${groupSet("g2")}`);
  });
});

describe("address sets", () => {
  it("merge overlapping and touching addresses and blocks (nftables refuses overlaps)", () => {
    expect(intervalElements(["10.0.0.5", "10.0.0.0/24", "10.0.1.0", "10.0.2.9", "fe80::1"])).toEqual([
      "10.0.0.0-10.0.1.0",
      "10.0.2.9",
    ]);
    expect(intervalElements(["1.1.1.1/0"])).toEqual(["0.0.0.0-255.255.255.255"]);
    expect(networkOf("192.168.1.77/24")).toBe("192.168.1.0/24");
  });

  it("kept sorted as members come and go, merge to what the addresses left merge to", () => {
    const texts = ["10.0.0.5", "10.0.0.6", "10.0.0.0/30", "10.0.0.5", "10.0.1.9", "10.0.0.8/29", "10.0.0.4"];
    const sorted: Range[] = [];
    const present: string[] = [];
    for (const [step, text] of [...texts, ...texts.slice(1), "10.0.0.5"].entries()) {
      const range = knownRange(text) as Range;
      const at = present.indexOf(text);
      if (step >= texts.length && at >= 0) {
        present.splice(at, 1);
        removeRange(sorted, range);
      } else {
        present.push(text);
        insertRange(sorted, range);
      }
      expect(mergedElements(sorted)).toEqual(intervalElements(present));
    }
    expect(present).toEqual([]);
  });
});

describe("security group tables", () => {
  it("each NIC jumps through its groups' chains and drops the rest; marks name NICs in both tables", () => {
    const parts = securityGroupParts({
      nics: [
        { link: "pa", mark: 7, groupIds: ["g1"] },
        { link: "pb", mark: 8, groupIds: ["g1", "g2"] },
        { link: "pc", mark: 9, groupIds: [] },
      ],
      rulesByGroup: new Map([
        ["g1", [rule({ remoteGroupId: "g1" }), rule({ direction: "egress" }), rule({ ethertype: "IPv6" })]],
      ]),
      membersByGroup: new Map([["g1", ["10.0.0.5", "10.0.0.6", "10.0.0.100/30"]]]),
    });
    const rules = emptyRulesPlan();
    for (const link of ["pa", "pb", "pc"])
      rules.nics.set(link, { link, portsec: ["drop"], filter: parts.filters.get(link) });
    rules.groupChains = parts.groupChains;
    rules.sets = parts.sets;
    const script = renderRules(rules);
    expect(script).toContain(
      'map nic_marks { type ifname : mark; elements = { "pa" : 0x00000007, "pb" : 0x00000008, "pc" : 0x00000009 }; }',
    );
    expect(script).toContain("elements = { 10.0.0.5-10.0.0.6, 10.0.0.100-10.0.0.103 };");
    // One group: straight to its chain (no chain of the NIC's own); several: a chain jumping to each; none: drop.
    expect(script).toMatch(
      /map ingress \{ type mark : verdict; elements = \{ 0x00000007 : jump gi_\w+, 0x00000008 : jump in_pb, 0x00000009 : drop \}; \}/,
    );
    expect(script).not.toContain("chain in_pa");
    expect(script).toMatch(/chain in_pb \{\n\t\tjump gi_\w+\n\t\tjump gi_\w+\n\t\tdrop\n\t\}/);
    // What a group's chain did not accept comes back and is dropped.
    expect(script).toContain("meta mark vmap @ingress\n\t\tmeta mark != 0x00000000 drop");
    expect(script).toMatch(/chain go_\w+ \{\n\t\taccept\n\t\}/);
    expect(script).toContain("ct state established,related accept");
  });

  it("marks are stable, never 0 and distinct", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `port-${i}`);
    const marks = nicMarks(ids);
    expect(new Set(marks.values()).size).toBe(2000);
    expect([...marks.values()].every((mark) => mark > 0 && mark < 2 ** 31)).toBe(true);
    expect(nicMarks([...ids].reverse())).toEqual(marks);
  });
});
