/** Security groups and their rules, as the VPC v1 and Neutron APIs both see them. Plain data. */

export const DEFAULT_SECURITY_GROUP_NAME = "default";

export interface SecurityGroup {
  id: string;
  projectId: string;
  name: string;
  description: string;
  /** VPC v1 only records it (the reference calls it a prompt, not a restriction); "" when not given. */
  vpcId: string;
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
}

export type Direction = "ingress" | "egress";
export type Ethertype = "IPv4" | "IPv6";

export interface SecurityGroupRule {
  id: string;
  projectId: string;
  securityGroupId: string;
  direction: Direction;
  ethertype: Ethertype;
  /** Lower-case name (`tcp`, `udp`, `icmp`, …) or an IP protocol number as text; null for any protocol. */
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  description: string;
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields that make two rules the same rule (Neutron refuses a duplicate with the existing rule's id). */
export type RuleMatch = Pick<
  SecurityGroupRule,
  | "securityGroupId"
  | "direction"
  | "ethertype"
  | "protocol"
  | "portRangeMin"
  | "portRangeMax"
  | "remoteIpPrefix"
  | "remoteGroupId"
>;

export function sameRule(a: RuleMatch, b: RuleMatch): boolean {
  return (
    a.securityGroupId === b.securityGroupId &&
    a.direction === b.direction &&
    a.ethertype === b.ethertype &&
    a.protocol === b.protocol &&
    a.portRangeMin === b.portRangeMin &&
    a.portRangeMax === b.portRangeMax &&
    a.remoteIpPrefix === b.remoteIpPrefix &&
    a.remoteGroupId === b.remoteGroupId
  );
}

/**
 * The rules every new group starts with, as the cloud creates them: members of the group reach each other
 * (ingress from the group itself) and everything may leave (egress to anywhere), for IPv4 and IPv6.
 */
export function initialRules(group: SecurityGroup, newId: () => string): SecurityGroupRule[] {
  const rule = (direction: Direction, ethertype: Ethertype, remoteGroupId: string | null): SecurityGroupRule => ({
    id: newId(),
    projectId: group.projectId,
    securityGroupId: group.id,
    direction,
    ethertype,
    protocol: null,
    portRangeMin: null,
    portRangeMax: null,
    remoteIpPrefix: null,
    remoteGroupId,
    description: "",
    revisionNumber: 0,
    createdAt: group.createdAt,
    updatedAt: group.createdAt,
  });
  return [
    rule("ingress", "IPv4", group.id),
    rule("ingress", "IPv6", group.id),
    rule("egress", "IPv4", null),
    rule("egress", "IPv6", null),
  ];
}
