import { parseCidr } from "../net/cidr.js";
import { parseIpv4 } from "../net/ipv4.js";
import type { Direction, Ethertype, RuleMatch } from "./model.js";

/** A rule as a client asked for it, before normalisation. */
export interface RuleRequest {
  securityGroupId: string;
  direction: string;
  ethertype?: string;
  protocol?: string | null;
  portRangeMin?: number | null;
  portRangeMax?: number | null;
  remoteIpPrefix?: string | null;
  remoteGroupId?: string | null;
}

export type RuleOutcome = { ok: true; rule: RuleMatch } | { ok: false; reason: string };

/** Every protocol name Neutron takes (neutron-lib's IP protocol map). */
const PROTOCOL_NAMES = new Set([
  "ah",
  "dccp",
  "egp",
  "esp",
  "gre",
  "hopopt",
  "icmp",
  "icmpv6",
  "igmp",
  "ip",
  "ipip",
  "ipv6-encap",
  "ipv6-frag",
  "ipv6-icmp",
  "ipv6-nonxt",
  "ipv6-opts",
  "ipv6-route",
  "ospf",
  "pgm",
  "rsvp",
  "sctp",
  "tcp",
  "udp",
  "udplite",
  "vrrp",
]);
const PORTED = new Set(["tcp", "udp", "sctp", "6", "17", "132"]);
/** Protocols of IPv6 only, by name and number: Neutron refuses them with ethertype IPv4. */
const IPV6_ONLY = new Set([
  "icmpv6",
  "ipv6-encap",
  "ipv6-frag",
  "ipv6-icmp",
  "ipv6-nonxt",
  "ipv6-opts",
  "ipv6-route",
  "41",
  "43",
  "44",
  "58",
  "59",
  "60",
]);
const ICMP = new Set(["icmp", "icmpv6", "ipv6-icmp", "1", "58"]);

function normaliseProtocol(protocol: string | null | undefined): string | null | undefined {
  if (protocol === undefined || protocol === null || protocol === "" || protocol.toLowerCase() === "any") return null;
  const lower = protocol.toLowerCase();
  if (PROTOCOL_NAMES.has(lower)) return lower;
  if (/^(0|[1-9]\d{0,2})$/.test(lower) && Number(lower) <= 255) return lower;
  return undefined;
}

/** IPv4 or IPv6 prefix in its canonical form; a bare address becomes a host prefix. */
function normalisePrefix(text: string, ethertype: Ethertype): string | undefined {
  if (ethertype === "IPv4") {
    if (!text.includes("/")) return parseIpv4(text) === undefined ? undefined : `${text}/32`;
    return parseCidr(text)?.text;
  }
  const [address, length] = text.split("/");
  if (address === undefined || !address.includes(":") || !/^[0-9a-fA-F:.]+$/.test(address)) return undefined;
  if (length === undefined) return `${address.toLowerCase()}/128`;
  if (!/^\d{1,3}$/.test(length) || Number(length) > 128) return undefined;
  return `${address.toLowerCase()}/${Number(length)}`;
}

/** Neutron's rule checks, in its order: the reasons become each API's own invalid-parameter error. */
export function normaliseRule(request: RuleRequest): RuleOutcome {
  if (request.direction !== "ingress" && request.direction !== "egress") {
    return { ok: false, reason: `Invalid direction ${request.direction}; use ingress or egress.` };
  }
  const ethertype = request.ethertype ?? "IPv4";
  if (ethertype !== "IPv4" && ethertype !== "IPv6") {
    return {
      ok: false,
      reason: `Security group rule for ethertype ${ethertype} not supported. Allowed values are [IPv4, IPv6].`,
    };
  }
  const protocol = normaliseProtocol(request.protocol);
  if (protocol === undefined)
    return { ok: false, reason: `Security group rule protocol ${request.protocol} not supported.` };
  if (ethertype === "IPv4" && protocol !== null && IPV6_ONLY.has(protocol)) {
    return { ok: false, reason: `Invalid ethertype ${ethertype} for protocol ${protocol}.` };
  }
  const min = request.portRangeMin ?? null;
  const max = request.portRangeMax ?? null;
  if (min !== null || max !== null) {
    if (protocol === null) return { ok: false, reason: "Must also specify protocol if port range is given." };
    if (PORTED.has(protocol)) {
      // Neutron's checks and texts: each port in range first, then their order.
      for (const port of [min, max]) {
        if (port !== null && (port < 1 || port > 65535))
          return { ok: false, reason: `Invalid value for port ${port}.` };
      }
      if (min === null || max === null || min > max) {
        return { ok: false, reason: "For TCP/UDP protocols, port_range_min must be <= port_range_max." };
      }
    } else if (ICMP.has(protocol)) {
      if (min !== null && (min < 0 || min > 255)) {
        return { ok: false, reason: `Invalid value for ICMP type (port-range-min): ${min}. It must be 0 to 255.` };
      }
      if (max !== null && (max < 0 || max > 255)) {
        return { ok: false, reason: `Invalid value for ICMP code (port-range-max): ${max}. It must be 0 to 255.` };
      }
      if (min === null && max !== null) {
        return {
          ok: false,
          reason: `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
        };
      }
    } else {
      return { ok: false, reason: `Port range is not allowed for protocol ${protocol}.` };
    }
  }
  const remoteGroupId = request.remoteGroupId ?? null;
  let remoteIpPrefix = request.remoteIpPrefix ?? null;
  if (remoteIpPrefix !== null && remoteGroupId !== null) {
    return { ok: false, reason: "Only remote_ip_prefix or remote_group_id may be provided." };
  }
  if (remoteIpPrefix !== null) {
    const prefix = normalisePrefix(remoteIpPrefix, ethertype);
    if (prefix === undefined) {
      return { ok: false, reason: `Invalid remote_ip_prefix ${remoteIpPrefix} for ethertype ${ethertype}.` };
    }
    remoteIpPrefix = prefix;
  }
  return {
    ok: true,
    rule: {
      securityGroupId: request.securityGroupId,
      direction: request.direction as Direction,
      ethertype,
      protocol,
      portRangeMin: min,
      portRangeMax: max,
      remoteIpPrefix,
      remoteGroupId,
    },
  };
}
