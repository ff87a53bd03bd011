import type { AddressPair } from "../model.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";
import { emptyRulesPlan, renderPortSecurityTable } from "./rules-plan.js";

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

/**
 * The rules of one NIC's anti-spoofing chain (`nic_<link>`), or undefined when its MAC is unusable (the NIC is then
 * dropped by the catch-all rule). For frames a NIC sends into its subnet's bridge: the Ethernet and ARP sender MAC
 * must be the port's or a pair's MAC, the IPv4 and ARP sender address its fixed IP or a pair's address or block (for
 * that pair's MAC); a pair `…/0`, or port security off, turns the check off for that NIC; everything else is dropped.
 */
export function portSecurityRules(nic: PortSecurityNic): string[] | undefined {
  const portMac = normalMac(nic.macAddress);
  if (portMac === undefined || !LINK_PATTERN.test(nic.link)) return undefined;
  if (nic.portSecurityEnabled === false) return ["accept"];
  const allowed = new Map<string, { mac: string; source: string }>();
  const allow = (mac: string, source: string) => allowed.set(`${mac} ${source}`, { mac, source });
  for (const ip of nic.fixedIps) {
    const source = pairSource(ip);
    if (source?.kind === "address") allow(portMac, source.text);
  }
  for (const pair of nic.allowedAddressPairs) {
    const source = pairSource(pair.ipAddress);
    if (source === undefined) continue; // IPv6 or malformed: nothing of it is allowed
    if (source.kind === "any") return ["accept"];
    const mac = pair.macAddress === "" ? portMac : normalMac(pair.macAddress);
    if (mac !== undefined) allow(mac, source.text);
  }
  const rules = [...allowed.values()]
    .sort((a, b) => (a.mac === b.mac ? a.source.localeCompare(b.source) : a.mac.localeCompare(b.mac)))
    .flatMap(({ mac, source }) => [
      `ether saddr ${mac} ether type ip ip saddr ${source} accept`,
      `ether saddr ${mac} ether type arp arp saddr ether ${mac} arp saddr ip ${source} accept`,
    ]);
  return [...rules, "drop"];
}

/** The port-security table alone, as the full script renders it (see rules-plan.ts). */
export function renderRuleset(nics: readonly PortSecurityNic[]): string {
  const plan = emptyRulesPlan();
  for (const nic of nics) {
    const portsec = portSecurityRules(nic);
    if (portsec) plan.nics.set(nic.link, { link: nic.link, portsec });
  }
  return renderPortSecurityTable(plan);
}
