import type { SecurityGroupRule } from "../security-groups/model.js";
import { intervalElements, networkOf } from "./address-set.js";
import { shortId } from "./names.js";

/** nftables table (bridge family) telling NICs apart by a packet mark, for the security group table to read. */
export const MARKS_TABLE = "ecs_vip_marks";
/** nftables table (inet family) holding security groups, in the data plane's namespace. */
export const SECURITY_GROUP_TABLE = "ecs_vip_sg";

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

function groupChainLines(direction: "ingress" | "egress", groupId: string, rules: readonly SecurityGroupRule[]) {
  const matches = rules
    .filter((rule) => rule.direction === direction && rule.ethertype === "IPv4")
    .map(ruleMatch)
    .filter((match): match is string => match !== undefined);
  const unique = [...new Set(matches)].sort();
  return [
    `\tchain ${groupChain(direction, groupId)} {`,
    ...unique.map((match) => `\t\t${match === "" ? "" : `${match} `}accept`),
    "\t}",
  ];
}

const hex = (mark: number) => `0x${mark.toString(16).padStart(8, "0")}`;

/**
 * Security groups as one `nft -f` script replacing both tables in one transaction.
 *
 * The kernel has no bridge-family connection tracking, but with `br_netfilter` bridged IPv4 passes the inet hooks,
 * where the bridge ports cannot be told apart by name. So the bridge table marks each packet with its NIC: the
 * sender's at bridge prerouting (before `br_netfilter`'s prerouting, which runs the inet prerouting hook: there the
 * sender's egress rules decide), the receiver's at bridge forward, once per output port (before `br_netfilter`'s
 * forward, which runs the inet forward hook: there the receiver's ingress rules decide). Replies of an allowed
 * connection pass both (`ct state established,related`); a NIC without a mark (a gateway, a NIC without port
 * security) is not filtered on its side.
 */
export function renderSecurityGroups(wire: SecurityGroupWire): string {
  const nics = [...wire.nics].sort((a, b) => a.link.localeCompare(b.link));
  const groups = new Set<string>();
  for (const nic of nics) for (const id of nic.groupIds) groups.add(id);
  const sets = new Set<string>();
  for (const id of groups) {
    for (const rule of wire.rulesByGroup.get(id) ?? []) if (rule.remoteGroupId) sets.add(rule.remoteGroupId);
  }
  const markElements = nics.map((nic) => `"${nic.link}" : ${hex(nic.mark)}`);
  const elements = (list: string[]) => (list.length === 0 ? "" : ` elements = { ${list.join(", ")} };`);
  const nicChain = (direction: "ingress" | "egress", nic: FilteredNic) => [
    `\tchain ${direction === "ingress" ? "in" : "out"}_${nic.link} {`,
    ...nic.groupIds.map((id) => `\t\tjump ${groupChain(direction, id)}`),
    "\t\tdrop",
    "\t}",
  ];
  const lines = [
    `table bridge ${MARKS_TABLE}`,
    `delete table bridge ${MARKS_TABLE}`,
    `table bridge ${MARKS_TABLE} {`,
    `\tmap nic_marks { type ifname : mark;${elements(markElements)} }`,
    "\tchain sender {",
    "\t\ttype filter hook prerouting priority -200; policy accept;",
    "\t\tmeta mark set 0x00000000",
    "\t\tmeta mark set iifname map @nic_marks",
    "\t}",
    "\tchain receiver {",
    "\t\ttype filter hook forward priority -200; policy accept;",
    "\t\tmeta mark set 0x00000000",
    "\t\tmeta mark set oifname map @nic_marks",
    "\t}",
    "}",
    `table inet ${SECURITY_GROUP_TABLE}`,
    `delete table inet ${SECURITY_GROUP_TABLE}`,
    `table inet ${SECURITY_GROUP_TABLE} {`,
    ...[...sets]
      .sort()
      .map(
        (id) =>
          `\tset ${groupSet(id)} { type ipv4_addr; flags interval;${elements(intervalElements(wire.membersByGroup.get(id) ?? []))} }`,
      ),
    ...[...groups]
      .sort()
      .flatMap((id) => [
        ...groupChainLines("ingress", id, wire.rulesByGroup.get(id) ?? []),
        ...groupChainLines("egress", id, wire.rulesByGroup.get(id) ?? []),
      ]),
    ...nics.flatMap((nic) => [...nicChain("ingress", nic), ...nicChain("egress", nic)]),
    `\tmap egress { type mark : verdict;${elements(nics.map((nic) => `${hex(nic.mark)} : jump out_${nic.link}`))} }`,
    `\tmap ingress { type mark : verdict;${elements(nics.map((nic) => `${hex(nic.mark)} : jump in_${nic.link}`))} }`,
    "\tchain sent {",
    "\t\ttype filter hook prerouting priority 0; policy accept;",
    "\t\tct state established,related accept",
    "\t\tmeta mark vmap @egress",
    "\t}",
    "\tchain received {",
    "\t\ttype filter hook forward priority 0; policy accept;",
    "\t\tct state established,related accept",
    "\t\tmeta mark vmap @ingress",
    "\t}",
    "}",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * A mark for each NIC (never 0, which means "no NIC"): a hash of its port id, the next free value on a collision
 * (ports in id order, so the same ports always get the same marks).
 */
export function nicMarks(portIds: readonly string[]): Map<string, number> {
  const taken = new Set<number>();
  const marks = new Map<string, number>();
  for (const id of [...portIds].sort()) {
    let mark = (fnv32(id) % 0x7ffffffe) + 1;
    while (taken.has(mark)) mark = (mark % 0x7ffffffe) + 1;
    taken.add(mark);
    marks.set(id, mark);
  }
  return marks;
}

function fnv32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
