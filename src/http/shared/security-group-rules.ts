/** Security group rules as both VPC v1 and Neutron take and show them. */
import { type Static, Type } from "@sinclair/typebox";
import type { SecurityGroupRule } from "../../domain/security-groups/model.js";

const id = Type.String({ minLength: 1, maxLength: 64 });
/** A group's or rule's description: no angle brackets, as the cloud refuses them. */
export const description = Type.String({ maxLength: 255, pattern: "^[^<>]*$" });
// `type: [..., "null"]` as the cloud's schema writes it (TypeBox's own Union would write `anyOf`).
const portNumber = Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 0, maximum: 65535 });
const optionalText = (maxLength: number) => Type.Unsafe<string | null>({ type: ["string", "null"], maxLength });

/** The rule body both APIs take (`security_group_rule`). */
export const createRuleSchema = Type.Object({
  security_group_rule: Type.Object({
    security_group_id: id,
    direction: Type.String({ maxLength: 16 }),
    ethertype: Type.Optional(Type.String({ maxLength: 16 })),
    protocol: Type.Optional(optionalText(16)),
    port_range_min: Type.Optional(portNumber),
    port_range_max: Type.Optional(portNumber),
    remote_ip_prefix: Type.Optional(optionalText(64)),
    remote_group_id: Type.Optional(optionalText(64)),
    remote_address_group_id: Type.Optional(optionalText(64)),
    description: Type.Optional(description),
  }),
});
export type CreateRuleBody = Static<typeof createRuleSchema>;

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
