import { roleById } from "../../domain/iam/roles.js";
import type { GroupGrant, Project, UserGroup } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import { StoreConflictError } from "../../store/errors.js";
import type { Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";
import { randomHex } from "./accounts.js";
import { requireOwnAccount } from "./users.js";

export async function createGroup(
  context: UseCaseContext,
  caller: Caller,
  input: { name: string; description?: string; domainId?: string },
): Promise<UserGroup> {
  requireOwnAccount(caller, input.domainId);
  const group: UserGroup = {
    id: randomHex(16),
    accountId: caller.accountId,
    name: input.name,
    description: input.description ?? "",
    createdAt: context.now().toISOString(),
  };
  await context.store
    .write(async (tx) => {
      if ((await tx.iam.listGroups(caller.accountId, { name: input.name })).length > 0) {
        fail("iamConflict", "The user group name already exists.");
      }
      await tx.iam.insertGroup(group);
    })
    .catch((error) => {
      if (error instanceof StoreConflictError) fail("iamConflict", "The user group name already exists.");
      throw error;
    });
  return group;
}

export async function listGroups(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string; domainId?: string },
): Promise<UserGroup[]> {
  requireOwnAccount(caller, filter.domainId);
  return context.store.read((tx) => tx.iam.listGroups(caller.accountId, { name: filter.name }));
}

async function groupOf(tx: Tx, caller: Caller, groupId: string): Promise<UserGroup> {
  const group = await tx.iam.getGroup(groupId);
  if (!group || group.accountId !== caller.accountId) fail("iamGroupNotFound", `Could not find group: ${groupId}.`);
  return group;
}

/** PUT /v3/groups/{group_id}/users/{user_id}: idempotent. */
export async function addUserToGroup(
  context: UseCaseContext,
  caller: Caller,
  groupId: string,
  userId: string,
): Promise<void> {
  await context.store.write(async (tx) => {
    await groupOf(tx, caller, groupId);
    const user = await tx.iam.getUser(userId);
    if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${userId}.`);
    await tx.iam.addGroupMember(groupId, userId);
  });
}

async function grantOf(tx: Tx, caller: Caller, grant: GroupGrant): Promise<{ project: Project }> {
  const project = await tx.iam.getProject(grant.projectId);
  if (!project || project.accountId !== caller.accountId) fail("iamProjectUnknown");
  await groupOf(tx, caller, grant.groupId);
  if (!roleById(grant.roleId)) fail("iamRoleNotFound", `Could not find role: ${grant.roleId}.`);
  return { project };
}

/** PUT /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}: idempotent. */
export async function grantRole(context: UseCaseContext, caller: Caller, grant: GroupGrant): Promise<void> {
  await context.store.write(async (tx) => {
    await grantOf(tx, caller, grant);
    await tx.iam.grantRole(grant);
  });
}

/** DELETE …/roles/{role_id}: 404 when the group does not hold the role there. */
export async function revokeRole(context: UseCaseContext, caller: Caller, grant: GroupGrant): Promise<void> {
  await context.store.write(async (tx) => {
    await grantOf(tx, caller, grant);
    if (!(await tx.iam.revokeRole(grant))) fail("iamGrantNotFound");
  });
}

/** HEAD …/roles/{role_id}: whether the group holds the role on the project. */
export async function checkRole(context: UseCaseContext, caller: Caller, grant: GroupGrant): Promise<void> {
  await context.store.read(async (tx) => {
    await grantOf(tx, caller, grant);
    if (!(await tx.iam.hasGrant(grant))) fail("iamGrantNotFound");
  });
}
