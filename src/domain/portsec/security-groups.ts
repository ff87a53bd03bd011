import type { SecurityGroupRule } from "../security-groups/model.js";
import { intervalElements, networkOf } from "./address-set.js";
import { shortId } from "./names.js";

/** A NIC filtered by security groups: its bridge-side link, the mark naming it, and its groups in order. */
export interface FilteredNic {
  link: string;
  mark: number;
  groupIds: string[];
}

export interface SecurityGroupWire {
  nics: FilteredNic[];
  /** IPv4 rules by group (only the groups some filtered NIC is a member of, or that a rule names, matter). */
  rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  /** Fixed IPs and pair addresses of each group's member ports: what `remote_group_id` matches. */
  membersByGroup: ReadonlyMap<string, readonly string[]>;
}

const PORTED = new Map([
  ["tcp", "tcp"],
  ["6", "tcp"],
  ["udp", "udp"],
  ["17", "udp"],
  ["sctp", "sctp"],
  ["132", "sctp"],
]);
const ICMP = new Set(["icmp", "1"]);
const NAMED = new Set(["tcp", "udp", "icmp", "gre", "sctp", "esp", "ah"]);
const NEVER_IPV4 = new Set(["icmpv6", "ipv6-icmp", "58"]);

export const groupSet = (groupId: string) => `g_${shortId(groupId)}`;
const groupChain = (direction: "ingress" | "egress", groupId: string) =>
  `${direction === "ingress" ? "gi" : "go"}_${shortId(groupId)}`;

/**
 * The match of one rule, as an nftables rule without its verdict; undefined when the rule can never match IPv4
 * traffic (an ICMPv6 rule, an unusable prefix). The port range is the destination port in both directions (as
 * Neutron's); for ICMP it is type and code.
 */
export function ruleMatch(rule: SecurityGroupRule): string | undefined {
  const parts: string[] = [];
  const protocol = rule.protocol?.toLowerCase() ?? null;
  if (protocol !== null) {
    if (NEVER_IPV4.has(protocol)) return undefined;
    const ported = PORTED.get(protocol);
    if (ported) {
      parts.push(`meta l4proto ${ported}`);
      if (rule.portRangeMin !== null) {
        const max = rule.portRangeMax ?? rule.portRangeMin;
        parts.push(
          max === rule.portRangeMin ? `th dport ${rule.portRangeMin}` : `th dport ${rule.portRangeMin}-${max}`,
        );
      }
    } else if (ICMP.has(protocol)) {
      parts.push("meta l4proto icmp");
      if (rule.portRangeMin !== null) parts.push(`icmp type ${rule.portRangeMin}`);
      if (rule.portRangeMin !== null && rule.portRangeMax !== null) parts.push(`icmp code ${rule.portRangeMax}`);
    } else if (NAMED.has(protocol) || /^\d{1,3}$/.test(protocol)) {
      if (Number(protocol) > 255) return undefined;
      parts.push(`meta l4proto ${protocol}`);
    } else return undefined;
  }
  const remote = rule.direction === "ingress" ? "ip saddr" : "ip daddr";
  if (rule.remoteGroupId !== null) parts.push(`${remote} @${groupSet(rule.remoteGroupId)}`);
  else if (rule.remoteIpPrefix !== null) {
    const network = networkOf(rule.remoteIpPrefix);
    if (network === undefined) return undefined;
    if (network !== "any") parts.push(`${remote} ${network}`);
  }
  return parts.join(" ");
}

function groupChainRules(direction: "ingress" | "egress", rules: readonly SecurityGroupRule[]): string[] {
  const matches = rules
    .filter((rule) => rule.direction === direction && rule.ethertype === "IPv4")
    .map(ruleMatch)
    .filter((match): match is string => match !== undefined);
  return [...new Set(matches)].sort().map((match) => (match === "" ? "accept" : `${match} accept`));
}

/** The security-group parts of the rules plan (see rules-plan.ts for how the tables use them). */
export interface SecurityGroupParts {
  groupChains: Map<string, string[]>;
  sets: Map<string, string[]>;
  /** Per NIC link: its mark and the rules of its ingress and egress chains (jumps to its groups' chains). */
  filters: Map<string, { mark: number; ingress: string[]; egress: string[] }>;
}

/**
 * What a NIC's groups make of it: a NIC is let in what any of its groups' ingress rules allow and may send what any
 * of their egress rules allow; the rest is dropped. `remote_group_id` names a set of the group's members' addresses.
 */
export function securityGroupParts(wire: SecurityGroupWire): SecurityGroupParts {
  const groups = new Set<string>();
  for (const nic of wire.nics) for (const id of nic.groupIds) groups.add(id);
  const setGroups = new Set<string>();
  const groupChains = new Map<string, string[]>();
  for (const id of groups) {
    const group = groupPartOf(id, wire.rulesByGroup.get(id) ?? []);
    for (const remote of group.remoteGroups) setGroups.add(remote);
    for (const [name, rules] of group.chains) groupChains.set(name, rules);
  }
  const sets = new Map(
    [...setGroups].map((id) => [groupSet(id), intervalElements(wire.membersByGroup.get(id) ?? [])] as const),
  );
  const filters = new Map(wire.nics.map((nic) => [nic.link, nicFilter(nic.mark, nic.groupIds)]));
  return { groupChains, sets, filters };
}

/** What one group in use makes: its two chains, and the groups its rules name (whose member sets must exist). */
export interface GroupPart {
  chains: [name: string, rules: string[]][];
  remoteGroups: string[];
}

export function groupPartOf(groupId: string, rules: readonly SecurityGroupRule[]): GroupPart {
  const remoteGroups = new Set<string>();
  for (const rule of rules) {
    if (rule.remoteGroupId && rule.ethertype === "IPv4" && ruleMatch(rule) !== undefined)
      remoteGroups.add(rule.remoteGroupId);
  }
  return {
    chains: [
      [groupChain("ingress", groupId), groupChainRules("ingress", rules)],
      [groupChain("egress", groupId), groupChainRules("egress", rules)],
    ],
    remoteGroups: [...remoteGroups],
  };
}

/** A filtered NIC's mark and its two chains: a jump to each of its groups' chains, then drop. */
export function nicFilter(
  mark: number,
  groupIds: readonly string[],
): { mark: number; ingress: string[]; egress: string[] } {
  return { mark, ...jumpsOf(groupIds) };
}

/** Remembered per group list (a port's list is the same array until the port changes): plans stay cheap. */
const jumps = new WeakMap<readonly string[], { ingress: string[]; egress: string[] }>();

function jumpsOf(groupIds: readonly string[]): { ingress: string[]; egress: string[] } {
  const known = jumps.get(groupIds);
  if (known) return known;
  const made = {
    ingress: [...groupIds.map((id) => `jump ${groupChain("ingress", id)}`), "drop"],
    egress: [...groupIds.map((id) => `jump ${groupChain("egress", id)}`), "drop"],
  };
  jumps.set(groupIds, made);
  return made;
}

/**
 * A mark for each NIC (never 0, which means "no NIC"): a hash of its port id, the next free value on a collision
 * (ports in id order, so the same ports always get the same marks).
 */
export function nicMarks(portIds: readonly string[]): Map<string, number> {
  const taken = new Set<number>();
  const marks = new Map<string, number>();
  for (const id of [...portIds].sort()) {
    let mark = markHash(id);
    while (taken.has(mark)) mark = (mark % 0x7ffffffe) + 1;
    taken.add(mark);
    marks.set(id, mark);
  }
  return marks;
}

/** A NIC's mark when no other NIC's hash is the same (see `nicMarks`). */
export function markHash(portId: string): number {
  return (fnv32(portId) % 0x7ffffffe) + 1;
}

const hashes = new Map<string, number>();

function fnv32(text: string): number {
  const known = hashes.get(text);
  if (known !== undefined) return known;
  if (hashes.size > 100_000) hashes.clear();
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hashes.set(text, hash);
  return hash;
}
