import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupView } from "../../usecases/security-groups/groups.js";

export function vpcRuleBody(rule: SecurityGroupRule) {
  return {
    id: rule.id,
    description: rule.description,
    security_group_id: rule.securityGroupId,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    port_range_min: rule.portRangeMin,
    port_range_max: rule.portRangeMax,
    remote_ip_prefix: rule.remoteIpPrefix,
    remote_group_id: rule.remoteGroupId,
    remote_address_group_id: null,
    tenant_id: rule.projectId,
  };
}

export function vpcSecurityGroupBody(view: SecurityGroupView) {
  return {
    id: view.group.id,
    name: view.group.name,
    description: view.group.description,
    vpc_id: view.group.vpcId,
    enterprise_project_id: "0",
    security_group_rules: view.rules.map(vpcRuleBody),
  };
}
