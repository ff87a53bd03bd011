import { DEFAULT_SECURITY_GROUP_NAME, initialRules, type SecurityGroup } from "../../domain/security-groups/model.js";
import type { Tx } from "../../store/store.js";
import { isoNow, type UseCaseContext } from "../context.js";

/** A new group with the rules every group starts with. */
export async function insertNewSecurityGroup(
  context: UseCaseContext,
  tx: Tx,
  fields: Pick<SecurityGroup, "projectId" | "name" | "description" | "vpcId">,
  isDefault = false,
): Promise<SecurityGroup> {
  const now = isoNow(context);
  const group: SecurityGroup = { ...fields, id: context.newId(), revisionNumber: 0, createdAt: now, updatedAt: now };
  await tx.securityGroups.insertGroup(group, isDefault);
  for (const rule of initialRules(group, context.newId)) await tx.securityGroups.insertRule(rule);
  return group;
}

/**
 * The project's `default` group, created when missing. Projects get it when they are created (bootstrap); a store
 * from before security groups existed gets it at the next start (bootstrap again) or, for a project made some other
 * way, on the first write that needs it.
 */
export async function ensureDefaultSecurityGroup(
  context: UseCaseContext,
  tx: Tx,
  projectId: string,
): Promise<SecurityGroup> {
  const existing = await tx.securityGroups.getDefaultGroup(projectId);
  if (existing) return existing;
  return insertNewSecurityGroup(
    context,
    tx,
    { projectId, name: DEFAULT_SECURITY_GROUP_NAME, description: "Default security group", vpcId: "" },
    true,
  );
}

/** Gives every project of the account its default group (used at start-up). */
export async function ensureDefaultSecurityGroups(context: UseCaseContext, tx: Tx, accountId: string): Promise<void> {
  for (const project of await tx.iam.listProjects(accountId, {})) {
    await ensureDefaultSecurityGroup(context, tx, project.id);
  }
}
