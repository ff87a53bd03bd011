import type { AddressPair } from "../model.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";
import { NIC_LINK_LETTER, PORTSEC_TABLE } from "./names.js";

/** A server NIC as port security sees it: its bridge-side link, MAC, fixed IPs and allowed address pairs. */
export interface PortSecurityNic {
  link: string;
  macAddress: string;
  fixedIps: string[];
  allowedAddressPairs: AddressPair[];
  /** Off: nothing of this NIC is checked (Neutron's `port_security_enabled: false`). */
  portSecurityEnabled?: boolean;
}

/** What a pair's address allows as a source: one address, a block, or anything (`/0` turns the check off). */
export type PairSource = { kind: "any" } | { kind: "address"; text: string };

/** `a.b.c.d`, `a.b.c.d/n` (host bits are masked off), anything with `/0` → the check is off; else undefined. */
export function pairSource(text: string): PairSource | undefined {
  const [addressText = "", prefixText, ...rest] = text.split("/");
  const address = parseIpv4(addressText);
  if (address === undefined || rest.length > 0) return undefined;
  if (prefixText === undefined) return { kind: "address", text: formatIpv4(address) };
  if (!/^(0|[1-9]\d?)$/.test(prefixText) || Number(prefixText) > 32) return undefined;
  const prefix = Number(prefixText);
  if (prefix === 0) return { kind: "any" };
  if (prefix === 32) return { kind: "address", text: formatIpv4(address) };
  const size = 2 ** (32 - prefix);
  return { kind: "address", text: `${formatIpv4(address - (address % size))}/${prefix}` };
}

/** Lower-case `aa:bb:cc:dd:ee:ff`, or undefined for anything else (nothing unchecked reaches the ruleset). */
export function normalMac(text: string): string | undefined {
  const lower = text.toLowerCase();
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(lower) ? lower : undefined;
}

const LINK_PATTERN = /^[a-z][a-z0-9]{1,14}$/;

/** The chain of one NIC, or undefined when its MAC is unusable (it is then dropped by the catch-all rule). */
function nicChain(nic: PortSecurityNic): string[] | undefined {
  const portMac = normalMac(nic.macAddress);
  if (portMac === undefined || !LINK_PATTERN.test(nic.link)) return undefined;
  if (nic.portSecurityEnabled === false) return [`chain nic_${nic.link} {`, "\t\taccept", "\t}"];
  const allowed = new Map<string, { mac: string; source: string }>();
  const allow = (mac: string, source: string) => allowed.set(`${mac} ${source}`, { mac, source });
  for (const ip of nic.fixedIps) {
    const source = pairSource(ip);
    if (source?.kind === "address") allow(portMac, source.text);
  }
  for (const pair of nic.allowedAddressPairs) {
    const source = pairSource(pair.ipAddress);
    if (source === undefined) continue; // IPv6 or malformed: nothing of it is allowed
    if (source.kind === "any") return [`chain nic_${nic.link} {`, "\t\taccept", "\t}"];
    const mac = pair.macAddress === "" ? portMac : normalMac(pair.macAddress);
    if (mac !== undefined) allow(mac, source.text);
  }
  const rules = [...allowed.values()]
    .sort((a, b) => (a.mac === b.mac ? a.source.localeCompare(b.source) : a.mac.localeCompare(b.mac)))
    .flatMap(({ mac, source }) => [
      `\t\tether saddr ${mac} ether type ip ip saddr ${source} accept`,
      `\t\tether saddr ${mac} ether type arp arp saddr ether ${mac} arp saddr ip ${source} accept`,
    ]);
  return [`chain nic_${nic.link} {`, ...rules, "\t\tdrop", "\t}"];
}

/**
 * The whole port-security table as one `nft -f` script that replaces the previous table in a single nftables
 * transaction (no moment without rules). For frames a NIC sends into its subnet's bridge: the Ethernet and ARP sender
 * MAC must be the port's or a pair's MAC, the IPv4 and ARP sender address its fixed IP or a pair's address or block
 * (for that pair's MAC); a pair `…/0` turns the check off for that NIC; everything else from it is dropped, and so is
 * everything from a NIC link that has no chain; a NIC with port security off is not checked. Traffic towards NICs
 * is filtered by security groups (security-groups.ts), not here.
 */
export function renderRuleset(nics: readonly PortSecurityNic[]): string {
  const chains = [...nics]
    .sort((a, b) => a.link.localeCompare(b.link))
    .map((nic) => ({ link: nic.link, chain: nicChain(nic) }))
    .filter((each): each is { link: string; chain: string[] } => each.chain !== undefined);
  const lines = [
    `table bridge ${PORTSEC_TABLE}`,
    `delete table bridge ${PORTSEC_TABLE}`,
    `table bridge ${PORTSEC_TABLE} {`,
    "\tchain port_security {",
    "\t\ttype filter hook forward priority 0; policy accept;",
    ...chains.map(({ link }) => `\t\tiifname "${link}" jump nic_${link}`),
    `\t\tiifname "${NIC_LINK_LETTER}*" drop`,
    "\t}",
    ...chains.map(({ chain }) => `\t${chain.join("\n")}`),
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
