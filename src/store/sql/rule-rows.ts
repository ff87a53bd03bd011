import type { Direction, Ethertype, SecurityGroupRule } from "../../domain/security-groups/model.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string => String(value ?? "");
const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const nullableInt = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A security group rule from its row; the group repository and the data plane's reads both map rules with it. */
export function ruleFromRow(row: Row): SecurityGroupRule {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    securityGroupId: text(row.security_group_id),
    direction: text(row.direction) as Direction,
    ethertype: text(row.ethertype) as Ethertype,
    protocol: nullableText(row.protocol),
    portRangeMin: nullableInt(row.port_range_min),
    portRangeMax: nullableInt(row.port_range_max),
    remoteIpPrefix: nullableText(row.remote_ip_prefix),
    remoteGroupId: nullableText(row.remote_group_id),
    description: text(row.description),
    revisionNumber: Number(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}
