import { randomBytes } from "node:crypto";
import { roleByDisplayName, TENANT_ADMINISTRATOR } from "../../domain/iam/roles.js";
import { ADMIN_GROUP } from "../../domain/iam/well-known-names.js";
import type { Tx } from "../../store/store.js";
import type { UseCaseContext } from "../context.js";
import { ensureDefaultSecurityGroup } from "../security-groups/default-group.js";

export const randomHex = (bytes: number) => randomBytes(bytes).toString("hex");

export const TENANT_ADMINISTRATOR_ROLE_ID = roleByDisplayName(TENANT_ADMINISTRATOR)?.id ?? "";

export interface NewAccount {
  accountName: string;
  userName: string;
  passwordHash: string;
  projectId: string;
  projectName: string;
}

/**
 * One account as the cloud hands it over: the account, its administrator user in the account's `admin` group, one
 * project with its default security group, and Tenant Administrator granted to the admin group on that project.
 * Runs inside the caller's unit of work (bootstrap's, or `ecs-vip admin account create`'s).
 */
export async function insertAccount(
  context: UseCaseContext,
  tx: Tx,
  input: NewAccount,
): Promise<{ accountId: string; userId: string; groupId: string }> {
  const now = context.now().toISOString();
  const accountId = randomHex(16);
  const userId = randomHex(16);
  const groupId = randomHex(16);
  await tx.iam.insertAccount({ id: accountId, name: input.accountName });
  await tx.iam.insertUser({
    id: userId,
    accountId,
    name: input.userName,
    passwordHash: input.passwordHash,
    enabled: true,
    description: "The account's administrator",
    createdAt: now,
  });
  await tx.iam.insertGroup({
    id: groupId,
    accountId,
    name: ADMIN_GROUP,
    description: "The account administrators",
    createdAt: now,
  });
  await tx.iam.addGroupMember(groupId, userId);
  await tx.iam.insertProject({ id: input.projectId, accountId, name: input.projectName, description: "" });
  await ensureDefaultSecurityGroup(context, tx, input.projectId);
  await tx.iam.grantRole({ groupId, projectId: input.projectId, roleId: TENANT_ADMINISTRATOR_ROLE_ID });
  return { accountId, userId, groupId };
}

/** The account's admin group, if it has one. */
export async function adminGroupOf(tx: Tx, accountId: string) {
  return (await tx.iam.listGroups(accountId, { name: ADMIN_GROUP }))[0];
}
