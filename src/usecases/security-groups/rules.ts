import { type SecurityGroupRule, sameRule } from "../../domain/security-groups/model.js";
import { normaliseRule, type RuleRequest } from "../../domain/security-groups/rule-input.js";
import { fail } from "../../errors/cloud-error.js";
import type { SecurityGroupRuleFilter } from "../../store/types.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import type { SecurityGroupErrors } from "./errors.js";
import { requireSecurityGroup } from "./groups.js";

export async function createSecurityGroupRule(
  context: UseCaseContext,
  caller: Caller,
  request: RuleRequest & { description: string },
  errors: SecurityGroupErrors,
): Promise<SecurityGroupRule> {
  const outcome = normaliseRule(request);
  if (!outcome.ok) fail(errors.invalid, outcome.reason);
  const match = outcome.rule;
  return context.store.write(async (tx) => {
    const group = await requireSecurityGroup(tx, caller, match.securityGroupId, errors, true);
    if (match.remoteGroupId !== null) {
      const remote = await tx.securityGroups.getGroup(match.remoteGroupId);
      if (!remote || remote.projectId !== caller.projectId) {
        fail(errors.notFound, `Remote security group ${match.remoteGroupId} does not exist.`);
      }
    }
    const existing = await tx.securityGroups.listRules(caller.projectId, { securityGroupId: match.securityGroupId });
    const duplicate = existing.find((rule) => sameRule(rule, match));
    if (duplicate) fail(errors.ruleExists, `Security group rule already exists. Rule id is ${duplicate.id}.`);
    const now = isoNow(context);
    const rule: SecurityGroupRule = {
      ...match,
      id: context.newId(),
      projectId: caller.projectId,
      description: request.description,
      revisionNumber: 0,
      createdAt: now,
      updatedAt: now,
    };
    await tx.securityGroups.insertRule(rule);
    // A rule's change is its group's change too (Neutron bumps the parent's revision).
    await tx.securityGroups.updateGroup({ ...group, revisionNumber: group.revisionNumber + 1, updatedAt: now });
    return rule;
  });
}

export async function showSecurityGroupRule(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: SecurityGroupErrors,
): Promise<SecurityGroupRule> {
  const rule = await context.store.read((tx) => tx.securityGroups.getRule(id));
  if (!rule || rule.projectId !== caller.projectId)
    fail(errors.ruleNotFound, `Security group rule ${id} could not be found.`);
  return rule;
}

export async function listSecurityGroupRules(
  context: UseCaseContext,
  caller: Caller,
  filter: SecurityGroupRuleFilter,
): Promise<SecurityGroupRule[]> {
  return context.store.read((tx) => tx.securityGroups.listRules(caller.projectId, filter));
}

export async function deleteSecurityGroupRule(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: SecurityGroupErrors,
): Promise<void> {
  await context.store.write(async (tx) => {
    const rule = await tx.securityGroups.getRule(id);
    if (!rule || rule.projectId !== caller.projectId) {
      fail(errors.ruleNotFound, `Security group rule ${id} could not be found.`);
    }
    await tx.securityGroups.deleteRule(id);
    const group = await tx.securityGroups.getGroup(rule.securityGroupId, { forUpdate: true });
    if (group) {
      await tx.securityGroups.updateGroup({
        ...group,
        revisionNumber: group.revisionNumber + 1,
        updatedAt: isoNow(context),
      });
    }
  });
}
