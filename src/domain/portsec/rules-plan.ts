import { NIC_LINK_LETTER, PORTSEC_TABLE } from "./names.js";
import { byText } from "./order.js";

/** nftables table (bridge family) telling NICs apart by a packet mark, for the security group table to read. */
export const MARKS_TABLE = "ecs_vip_marks";
/** nftables table (inet family) holding security groups, in the data plane's namespace. */
export const SECURITY_GROUP_TABLE = "ecs_vip_sg";

/** The rules of one NIC: its anti-spoofing chain, and its security-group chains when groups filter it. */
export interface NicRules {
  link: string;
  /** Rules of `nic_<link>` (bridge table). */
  portsec: string[];
  filter?: { mark: number; ingress: string[]; egress: string[] };
}

/**
 * Every rule of the data plane's namespace, in parts that can be replaced one by one: the full script (start-up,
 * sync, recovery) and the incremental one (a change) are both rendered from it, so they cannot disagree.
 */
export interface RulesPlan {
  nics: Map<string, NicRules>;
  /** Security-group chains by name (`gi_…`, `go_…`): the rules of one group in one direction. */
  groupChains: Map<string, string[]>;
  /** Address sets by name (`g_…`): a group's members, as merged interval elements. */
  sets: Map<string, string[]>;
}

export function emptyRulesPlan(): RulesPlan {
  return { nics: new Map(), groupChains: new Map(), sets: new Map() };
}

const hex = (mark: number) => `0x${mark.toString(16).padStart(8, "0")}`;
const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => byText(a, b));
const elements = (list: readonly string[]) => (list.length === 0 ? "" : ` elements = { ${list.join(", ")} };`);
const SET_TYPE = "type ipv4_addr; flags interval;";
const inChain = (link: string) => `in_${link}`;
const outChain = (link: string) => `out_${link}`;
const chainBlock = (name: string, rules: readonly string[]) => [
  `\tchain ${name} {`,
  ...rules.map((rule) => `\t\t${rule}`),
  "\t}",
];
const nicChainElement = (link: string) => `"${link}" : jump nic_${link}`;
const markElement = (link: string, mark: number) => `"${link}" : ${hex(mark)}`;
type Filter = NonNullable<NicRules["filter"]>;
type Direction = "ingress" | "egress";
const chainOf = (direction: Direction, link: string) => (direction === "ingress" ? inChain(link) : outChain(link));
/**
 * A NIC in one group (most are) goes straight to that group's chain, and one in none is dropped; only a NIC in
 * several groups has a chain of its own, jumping to each. Fewer chains keep each change cheap: before every command,
 * nft fetches every chain of the namespace (with three chains per NIC, most of a bind's time at 500 NICs).
 */
const ownChain = (rules: readonly string[]) => rules.length > 2;
function verdictOf(direction: Direction, link: string, rules: readonly string[]): string {
  if (ownChain(rules)) return `jump ${chainOf(direction, link)}`;
  return rules.length === 2 ? (rules[0] as string) : "drop";
}
const filterElement = (direction: Direction, link: string, filter: Filter) =>
  `${hex(filter.mark)} : ${verdictOf(direction, link, filter[direction])}`;

/** Port security: a frame from a NIC link goes through that NIC's chain; a NIC link without one is dropped. */
export function renderPortSecurityTable(plan: RulesPlan): string {
  const nics = sorted(plan.nics).map(([, nic]) => nic);
  return `${[
    `table bridge ${PORTSEC_TABLE}`,
    `delete table bridge ${PORTSEC_TABLE}`,
    `table bridge ${PORTSEC_TABLE} {`,
    ...nics.flatMap((nic) => chainBlock(`nic_${nic.link}`, nic.portsec)),
    `\tmap nic_chains { type ifname : verdict;${elements(nics.map((nic) => nicChainElement(nic.link)))} }`,
    "\tchain port_security {",
    "\t\ttype filter hook forward priority 0; policy accept;",
    "\t\tiifname vmap @nic_chains",
    `\t\tiifname "${NIC_LINK_LETTER}*" drop`,
    "\t}",
    "}",
  ].join("\n")}\n`;
}

/**
 * Security groups. The kernel has no bridge-family connection tracking, but with `br_netfilter` bridged IPv4 passes
 * the inet hooks, where bridge ports cannot be told apart by name. So the marks table marks each packet with its NIC:
 * the sender's at bridge prerouting (before `br_netfilter`'s prerouting, which runs the inet prerouting hook, where
 * the sender's egress rules decide), the receiver's at bridge forward, once per output port (before `br_netfilter`'s
 * forward, which runs the inet forward hook, where the receiver's ingress rules decide). Replies of an allowed
 * connection pass both (`ct state established,related`); a link without a mark (a router's, a NIC with port security
 * off) is not filtered on its side.
 */
function renderSecurityGroupTables(plan: RulesPlan): string {
  const filtered = sorted(plan.nics).flatMap(([, nic]) => (nic.filter ? [{ link: nic.link, ...nic.filter }] : []));
  return `${[
    `table bridge ${MARKS_TABLE}`,
    `delete table bridge ${MARKS_TABLE}`,
    `table bridge ${MARKS_TABLE} {`,
    `\tmap nic_marks { type ifname : mark;${elements(filtered.map((nic) => markElement(nic.link, nic.mark)))} }`,
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
    ...sorted(plan.sets).map(([name, members]) => `\tset ${name} { ${SET_TYPE}${elements(members)} }`),
    ...sorted(plan.groupChains).flatMap(([name, rules]) => chainBlock(name, rules)),
    ...filtered.flatMap((nic) => [
      ...(ownChain(nic.ingress) ? chainBlock(inChain(nic.link), nic.ingress) : []),
      ...(ownChain(nic.egress) ? chainBlock(outChain(nic.link), nic.egress) : []),
    ]),
    `\tmap egress { type mark : verdict;${elements(filtered.map((nic) => filterElement("egress", nic.link, nic)))} }`,
    `\tmap ingress { type mark : verdict;${elements(filtered.map((nic) => filterElement("ingress", nic.link, nic)))} }`,
    // A marked packet its NIC's groups did not accept (the jump came back) is dropped.
    "\tchain sent {",
    "\t\ttype filter hook prerouting priority 0; policy accept;",
    "\t\tct state established,related accept",
    "\t\tmeta mark vmap @egress",
    "\t\tmeta mark != 0x00000000 drop",
    "\t}",
    "\tchain received {",
    "\t\ttype filter hook forward priority 0; policy accept;",
    "\t\tct state established,related accept",
    "\t\tmeta mark vmap @ingress",
    "\t\tmeta mark != 0x00000000 drop",
    "\t}",
    "}",
  ].join("\n")}\n`;
}

/** Every table of the data plane's namespace, replaced in one `nft -f` transaction (no moment without rules). */
export function renderRules(plan: RulesPlan): string {
  return renderPortSecurityTable(plan) + renderSecurityGroupTables(plan);
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((item, i) => item === b[i]));

/**
 * The `nft -f` script that turns the tables of `before` into those of `after` touching only what differs (one
 * transaction), or "" when nothing does. Order matters inside the transaction: sets and chains exist before anything
 * jumps to them or names them, and go only after nothing does any more.
 */
export function diffRules(before: RulesPlan, after: RulesPlan): string {
  const ps = `bridge ${PORTSEC_TABLE}`;
  const mk = `bridge ${MARKS_TABLE}`;
  const sg = `inet ${SECURITY_GROUP_TABLE}`;
  const out: string[] = [];
  const chain = (table: string, name: string, rules: readonly string[]) => {
    out.push(`add chain ${table} ${name}`, `flush chain ${table} ${name}`);
    for (const rule of rules) out.push(`add rule ${table} ${name} ${rule}`);
  };
  const removeElements = (table: string, map: string, list: string[]) => {
    if (list.length > 0) out.push(`delete element ${table} ${map} { ${list.join(", ")} }`);
  };
  const addElements = (table: string, map: string, list: string[]) => {
    if (list.length > 0) out.push(`add element ${table} ${map} { ${list.join(", ")} }`);
  };

  for (const [name, members] of after.sets) {
    const old = before.sets.get(name);
    if (same(old, members)) continue;
    if (old === undefined) out.push(`add set ${sg} ${name} { ${SET_TYPE} }`);
    const kept = new Set(members);
    const had = new Set(old ?? []);
    removeElements(
      sg,
      name,
      (old ?? []).filter((element) => !kept.has(element)),
    );
    addElements(
      sg,
      name,
      members.filter((element) => !had.has(element)),
    );
  }
  for (const [name, rules] of after.groupChains) {
    if (!same(before.groupChains.get(name), rules)) chain(sg, name, rules);
  }
  const own = (nic: NicRules | undefined, direction: Direction) => {
    const rules = nic?.filter?.[direction];
    return rules && ownChain(rules) ? rules : undefined;
  };
  for (const [link, nic] of after.nics) {
    const old = before.nics.get(link);
    if (!same(old?.portsec, nic.portsec)) chain(ps, `nic_${link}`, nic.portsec);
    for (const direction of ["ingress", "egress"] as const) {
      const rules = own(nic, direction);
      if (rules && !same(own(old, direction), rules)) chain(sg, chainOf(direction, link), rules);
    }
  }

  // Map elements: a NIC's element goes when the NIC, its mark or its verdict does, and comes when it is new or changed.
  const filters = (plan: RulesPlan) =>
    new Map([...plan.nics].flatMap(([link, nic]) => (nic.filter ? [[link, nic.filter] as const] : [])));
  const [oldFilters, newFilters] = [filters(before), filters(after)];
  const differing = (from: Map<string, Filter>, to: Map<string, Filter>, key: (link: string, f: Filter) => string) =>
    [...from].filter(([link, filter]) => {
      const other = to.get(link);
      return other === undefined || key(link, other) !== key(link, filter);
    });
  const markKey = (_link: string, filter: Filter) => hex(filter.mark);
  removeElements(
    mk,
    "nic_marks",
    differing(oldFilters, newFilters, markKey).map(([link]) => `"${link}"`),
  );
  addElements(
    mk,
    "nic_marks",
    differing(newFilters, oldFilters, markKey).map(([link, filter]) => markElement(link, filter.mark)),
  );
  for (const direction of ["egress", "ingress"] as const) {
    const key = (link: string, filter: Filter) => filterElement(direction, link, filter);
    removeElements(
      sg,
      direction,
      differing(oldFilters, newFilters, key).map(([, filter]) => hex(filter.mark)),
    );
    addElements(
      sg,
      direction,
      differing(newFilters, oldFilters, key).map(([link, filter]) => key(link, filter)),
    );
  }
  const goneNics = [...before.nics].filter(([link]) => !after.nics.has(link));
  removeElements(
    ps,
    "nic_chains",
    goneNics.map(([link]) => `"${link}"`),
  );
  addElements(
    ps,
    "nic_chains",
    [...after.nics].filter(([link]) => !before.nics.has(link)).map(([link]) => nicChainElement(link)),
  );

  for (const [link] of goneNics) out.push(`delete chain ${ps} nic_${link}`);
  for (const [link, nic] of before.nics) {
    for (const direction of ["ingress", "egress"] as const) {
      if (own(nic, direction) && !own(after.nics.get(link), direction))
        out.push(`delete chain ${sg} ${chainOf(direction, link)}`);
    }
  }
  for (const [name] of before.groupChains) if (!after.groupChains.has(name)) out.push(`delete chain ${sg} ${name}`);
  for (const [name] of before.sets) if (!after.sets.has(name)) out.push(`delete set ${sg} ${name}`);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
