/** Security group rules as both VPC v1 and Neutron take and show them. */
import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SchemaType } from "./schema-type.js";

const id = { minLength: 1, maxLength: 64, type: "string" } as const;
/** A group's or rule's description: no angle brackets, as the cloud refuses them. */
export const description = { maxLength: 255, pattern: "^[^<>]*$", type: "string" } as const;
// `type: [..., "null"]` as the cloud's schema writes it.
const portNumber = { type: ["integer", "null"], minimum: 0, maximum: 65535 } as const;
const optionalText = (maxLength: number) => ({ type: ["string", "null"], maxLength }) as const;

/** The rule body both APIs take (`security_group_rule`). */
export const createRuleSchema = {
  type: "object",
  required: ["security_group_rule"],
  properties: {
    security_group_rule: {
      type: "object",
      required: ["security_group_id", "direction"],
      properties: {
        security_group_id: id,
        direction: { maxLength: 16, type: "string" },
        ethertype: { maxLength: 16, type: "string" },
        protocol: optionalText(16),
        port_range_min: portNumber,
        port_range_max: portNumber,
        remote_ip_prefix: optionalText(64),
        remote_group_id: optionalText(64),
        remote_address_group_id: optionalText(64),
        description,
      },
    },
  },
} as const;
export type CreateRuleBody = SchemaType<typeof createRuleSchema>;

/** The rule body as the use case takes it; both APIs send the same shape. */
export function ruleRequest(body: CreateRuleBody) {
  const rule = body.security_group_rule;
  return {
    securityGroupId: rule.security_group_id,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    portRangeMin: rule.port_range_min,
    portRangeMax: rule.port_range_max,
    remoteIpPrefix: rule.remote_ip_prefix === "" ? null : rule.remote_ip_prefix,
    remoteGroupId: rule.remote_group_id === "" ? null : rule.remote_group_id,
    description: rule.description ?? "",
  };
}

/** The keys both services show of a rule, in the order both show them. */
export function ruleMatchBody(rule: SecurityGroupRule) {
  return {
    security_group_id: rule.securityGroupId,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    port_range_min: rule.portRangeMin,
    port_range_max: rule.portRangeMax,
    remote_ip_prefix: rule.remoteIpPrefix,
    remote_group_id: rule.remoteGroupId,
    remote_address_group_id: null,
  };
}
