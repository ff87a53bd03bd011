import { UPLINK_IFNAME } from "./names.js";
import { byText } from "./order.js";

/** nftables table (ip family) in each VPC router's namespace: the EIPs' 1:1 NAT and what may cross the uplink. */
export const ROUTER_TABLE = "ecs_vip_router";

/** An EIP of this router: its public address and the fixed IP (a server's, or a VIP) it stands for. */
export interface RouterEip {
  publicIp: string;
  fixedIp: string;
}

/**
 * One router's NAT as one `nft -f` script replacing its table atomically: traffic from the internet to an EIP goes
 * to its fixed IP, and what that fixed IP sends to the internet leaves as the EIP; everything else crossing the uplink
 * is dropped (servers without an EIP do not reach the internet). Between the VPC's subnets the router only routes.
 */
export function renderRouterRuleset(eips: readonly RouterEip[]): string {
  const sorted = [...eips].sort((a, b) => byText(a.publicIp, b.publicIp));
  const elements = (list: string[]) => (list.length === 0 ? "" : ` elements = { ${list.join(", ")} };`);
  const up = `"${UPLINK_IFNAME}"`;
  const lines = [
    `table ip ${ROUTER_TABLE}`,
    `delete table ip ${ROUTER_TABLE}`,
    `table ip ${ROUTER_TABLE} {`,
    `\tmap eip_to_fixed { type ipv4_addr : ipv4_addr;${elements(sorted.map((e) => `${e.publicIp} : ${e.fixedIp}`))} }`,
    `\tmap fixed_to_eip { type ipv4_addr : ipv4_addr;${elements(
      uniqueBy(sorted, (e) => e.fixedIp).map((e) => `${e.fixedIp} : ${e.publicIp}`),
    )} }`,
    `\tset fixed_with_eip { type ipv4_addr;${elements([...new Set(sorted.map((e) => e.fixedIp))].sort())} }`,
    "\tchain inbound {",
    "\t\ttype nat hook prerouting priority dstnat; policy accept;",
    `\t\tiifname ${up} dnat to ip daddr map @eip_to_fixed`,
    "\t}",
    "\tchain outbound {",
    "\t\ttype nat hook postrouting priority srcnat; policy accept;",
    `\t\toifname ${up} snat to ip saddr map @fixed_to_eip`,
    "\t}",
    "\tchain crossing {",
    "\t\ttype filter hook forward priority 0; policy accept;",
    "\t\tct state established,related accept",
    `\t\tiifname ${up} ct status dnat accept`,
    `\t\tiifname ${up} drop`,
    `\t\toifname ${up} ip saddr != @fixed_with_eip drop`,
    "\t}",
    "}",
  ];
  return `${lines.join("\n")}\n`;
}

/** The first of each key (two EIPs on one fixed IP cannot happen through the API; the lowest address wins). */
function uniqueBy<T>(list: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}
