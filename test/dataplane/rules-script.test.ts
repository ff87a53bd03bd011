/**
 * The incremental rules script (`diffRules`) as nftables takes it: NICs moving between one group (straight to the
 * group's chain), several (a chain of their own) and none (drop), marks changing hands, NICs and groups coming and
 * going. Each step's script must load in one transaction, and leave the same tables as loading the step's plan whole.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffRules, emptyRulesPlan, type RulesPlan, renderRules } from "../../src/domain/portsec/rules-plan.js";
import { securityGroupParts } from "../../src/domain/portsec/security-groups.js";
import type { SecurityGroupRule } from "../../src/domain/security-groups/model.js";
import { SKIP_REASON, SKIP_TITLE, uniquePrefix } from "./support.js";

const T = "2024-01-01T00:00:00.000Z";
const rule = (groupId: string, fields: Partial<SecurityGroupRule>): SecurityGroupRule => ({
  id: "r",
  projectId: "p",
  securityGroupId: groupId,
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
});
const rulesByGroup = new Map([
  ["g1", [rule("g1", { remoteGroupId: "g1" }), rule("g1", { direction: "egress" })]],
  ["g2", [rule("g2", { protocol: "tcp", portRangeMin: 22, portRangeMax: 22 })]],
]);

/** The rules of NICs given as link → [mark, groups]. */
function plan(nics: Record<string, [number, string[]]>): RulesPlan {
  const parts = securityGroupParts({
    nics: Object.entries(nics).map(([link, [mark, groupIds]]) => ({ link, mark, groupIds })),
    rulesByGroup,
    membersByGroup: new Map([["g1", ["10.0.0.5", "10.0.0.6"]]]),
  });
  const rules = emptyRulesPlan();
  for (const link of Object.keys(nics))
    rules.nics.set(link, { link, portsec: ["drop"], filter: parts.filters.get(link) });
  rules.groupChains = parts.groupChains;
  rules.sets = parts.sets;
  return rules;
}

const steps: Record<string, [number, string[]]>[] = [
  { pa: [1, ["g1"]], pb: [2, ["g1"]] },
  { pa: [1, ["g1", "g2"]], pb: [2, ["g1"]] }, // one group → two: a chain of its own
  { pa: [1, ["g2"]], pb: [2, []] }, // two → one (its chain goes), one → none (drop); g1 unused
  { pa: [3, ["g2"]], pc: [2, ["g1", "g2"]] }, // a mark changes; a NIC goes, another takes its mark
  { pc: [2, ["g2", "g1"]] },
  {},
];

describe.skipIf(SKIP_REASON !== undefined)(`incremental rules scripts in nftables${SKIP_TITLE}`, () => {
  const prefix = uniquePrefix();
  const [live, fresh] = [`${prefix}-live`, `${prefix}-fresh`];
  const nft = (namespace: string, args: string[], input?: string) =>
    execFileSync("ip", ["netns", "exec", namespace, "nft", ...args], { input, encoding: "utf8" });

  beforeAll(() => {
    for (const namespace of [live, fresh]) execFileSync("ip", ["netns", "add", namespace]);
  });
  afterAll(() => {
    for (const namespace of [live, fresh]) execFileSync("ip", ["netns", "del", namespace]);
  });

  it("each step loads in one transaction and leaves what loading it whole leaves", () => {
    let before = plan(steps[0] as Record<string, [number, string[]]>);
    nft(live, ["-f", "-"], renderRules(before));
    for (const step of steps.slice(1)) {
      const after = plan(step);
      nft(live, ["-f", "-"], diffRules(before, after));
      nft(fresh, ["flush", "ruleset"]);
      nft(fresh, ["-f", "-"], renderRules(after));
      expect(canonical(nft(live, ["-j", "list", "ruleset"]))).toEqual(canonical(nft(fresh, ["-j", "list", "ruleset"])));
      before = after;
    }
  });
});

/** The ruleset's objects without handles, in a stable order (nftables lists elements and chains as it stores them). */
function canonical(json: string): string[] {
  const items = (JSON.parse(json) as { nftables: Record<string, Record<string, unknown>>[] }).nftables;
  return items
    .flatMap((item) =>
      Object.entries(item).map(([kind, body]) => {
        const { handle: _handle, elem, ...rest } = body as Record<string, unknown>;
        const elements = Array.isArray(elem) ? elem.map((e) => JSON.stringify(e)).sort() : elem;
        return `${kind} ${JSON.stringify({ ...rest, elem: elements })}`;
      }),
    )
    .filter((line) => !line.startsWith("metainfo"))
    .sort();
}
