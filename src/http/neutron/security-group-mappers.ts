import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupView } from "../../usecases/security-groups/groups.js";
import { ruleMatchBody } from "../shared/security-group-rules.js";
import { vpcTime } from "../shared/vpc-time.js";

export function neutronRuleBody(rule: SecurityGroupRule) {
  return {
    id: rule.id,
    tenant_id: rule.projectId,
    project_id: rule.projectId,
    ...ruleMatchBody(rule),
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
