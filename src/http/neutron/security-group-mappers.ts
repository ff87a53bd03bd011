import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupView } from "../../usecases/security-groups/groups.js";
import { vpcTime } from "../vpc/mappers.js";

export function neutronRuleBody(rule: SecurityGroupRule) {
  return {
    id: rule.id,
    tenant_id: rule.projectId,
    project_id: rule.projectId,
    security_group_id: rule.securityGroupId,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    port_range_min: rule.portRangeMin,
    port_range_max: rule.portRangeMax,
    remote_ip_prefix: rule.remoteIpPrefix,
    remote_group_id: rule.remoteGroupId,
    remote_address_group_id: null,
    description: rule.description,
    revision_number: rule.revisionNumber,
    created_at: vpcTime(rule.createdAt),
    updated_at: vpcTime(rule.updatedAt),
  };
}

export function neutronSecurityGroupBody(view: SecurityGroupView) {
  return {
    id: view.group.id,
    name: view.group.name,
    description: view.group.description,
    tenant_id: view.group.projectId,
    project_id: view.group.projectId,
    security_group_rules: view.rules.map(neutronRuleBody),
    stateful: true,
    tags: [],
    revision_number: view.group.revisionNumber,
    created_at: vpcTime(view.group.createdAt),
    updated_at: vpcTime(view.group.updatedAt),
  };
}
