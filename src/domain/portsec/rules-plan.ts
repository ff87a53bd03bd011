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
const ingressElement = (link: string, mark: number) => `${hex(mark)} : jump ${inChain(link)}`;
const egressElement = (link: string, mark: number) => `${hex(mark)} : jump ${outChain(link)}`;

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
      ...chainBlock(inChain(nic.link), nic.ingress),
      ...chainBlock(outChain(nic.link), nic.egress),
    ]),
    `\tmap egress { type mark : verdict;${elements(filtered.map((nic) => egressElement(nic.link, nic.mark)))} }`,
    `\tmap ingress { type mark : verdict;${elements(filtered.map((nic) => ingressElement(nic.link, nic.mark)))} }`,
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
  for (const [link, nic] of after.nics) {
    const old = before.nics.get(link);
    if (!same(old?.portsec, nic.portsec)) chain(ps, `nic_${link}`, nic.portsec);
    if (nic.filter && !same(old?.filter?.ingress, nic.filter.ingress)) chain(sg, inChain(link), nic.filter.ingress);
    if (nic.filter && !same(old?.filter?.egress, nic.filter.egress)) chain(sg, outChain(link), nic.filter.egress);
  }

  // Map elements: a NIC's element goes when the NIC or its mark does, and comes when it is new or its mark changed.
  const marks = (plan: RulesPlan) =>
    new Map([...plan.nics].flatMap(([link, nic]) => (nic.filter ? [[link, nic.filter.mark] as const] : [])));
  const [oldMarks, newMarks] = [marks(before), marks(after)];
  const goneMarks = [...oldMarks].filter(([link, mark]) => newMarks.get(link) !== mark);
  const newOnes = [...newMarks].filter(([link, mark]) => oldMarks.get(link) !== mark);
  removeElements(
    mk,
    "nic_marks",
    goneMarks.map(([link]) => `"${link}"`),
  );
  removeElements(
    sg,
    "egress",
    goneMarks.map(([, mark]) => hex(mark)),
  );
  removeElements(
    sg,
    "ingress",
    goneMarks.map(([, mark]) => hex(mark)),
  );
  addElements(
    mk,
    "nic_marks",
    newOnes.map(([link, mark]) => markElement(link, mark)),
  );
  addElements(
    sg,
    "egress",
    newOnes.map(([link, mark]) => egressElement(link, mark)),
  );
  addElements(
    sg,
    "ingress",
    newOnes.map(([link, mark]) => ingressElement(link, mark)),
  );
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

  for (const [link, nic] of goneNics) {
    out.push(`delete chain ${ps} nic_${link}`);
    if (nic.filter) out.push(`delete chain ${sg} ${inChain(link)}`, `delete chain ${sg} ${outChain(link)}`);
  }
  for (const [link, nic] of before.nics) {
    if (nic.filter && after.nics.has(link) && !after.nics.get(link)?.filter) {
      out.push(`delete chain ${sg} ${inChain(link)}`, `delete chain ${sg} ${outChain(link)}`);
    }
  }
  for (const [name] of before.groupChains) if (!after.groupChains.has(name)) out.push(`delete chain ${sg} ${name}`);
  for (const [name] of before.sets) if (!after.sets.has(name)) out.push(`delete set ${sg} ${name}`);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
