import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupView } from "../../usecases/security-groups/groups.js";
import { ruleMatchBody } from "../shared/security-group-rules.js";

export function vpcRuleBody(rule: SecurityGroupRule) {
  return {
    id: rule.id,
    description: rule.description,
    ...ruleMatchBody(rule),
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
