import { hashPassword, verifyPassword } from "../../auth/passwords.js";
import { isAcceptablePassword, isValidUserName } from "../../domain/iam/names.js";
import type { User } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import { StoreConflictError } from "../../store/errors.js";
import type { Caller, UseCaseContext } from "../context.js";
import { randomHex } from "./accounts.js";
import { authorizeSelfOr } from "./permissions.js";

export interface NewUser {
  name: string;
  password?: string;
  enabled?: boolean;
  description?: string;
  domainId?: string;
}

export function requireOwnAccount(caller: Caller, domainId: string | undefined): void {
  if (domainId !== undefined && domainId !== caller.accountId) {
    fail("iamPolicyDenied", "The domain_id is not the caller's account.");
  }
}

function checkPassword(password: string, userName: string): void {
  if (!isAcceptablePassword(password, userName)) {
    fail(
      "iamInvalidRequest",
      "The password must be 8 to 32 characters of at least two kinds (upper case, lower case, digits, special) and not the user name.",
    );
  }
}

/** Scrypt runs before the unit of work: it must not hold the store's write lock. */
async function hashOrUnusable(password: string | undefined): Promise<string> {
  return hashPassword(password ?? randomHex(32));
}

function conflictOnDuplicate(error: unknown, what: string): never {
  if (error instanceof StoreConflictError) fail("iamConflict", what);
  throw error;
}

/** POST /v3.0/OS-USER/users; a user without a password has programmatic access only. */
export async function createUser(context: UseCaseContext, caller: Caller, input: NewUser): Promise<User> {
  requireOwnAccount(caller, input.domainId);
  if (!isValidUserName(input.name)) fail("iamInvalidRequest", "The user name is invalid.");
  if (input.password !== undefined) checkPassword(input.password, input.name);
  const user: User = {
    id: randomHex(16),
    accountId: caller.accountId,
    name: input.name,
    passwordHash: await hashOrUnusable(input.password),
    enabled: input.enabled ?? true,
    description: input.description ?? "",
    createdAt: context.now().toISOString(),
  };
  await context.store
    .write(async (tx) => {
      if ((await tx.iam.getUserByName(caller.accountId, input.name)) !== undefined) {
        fail("iamConflict", "The user name already exists.");
      }
      await tx.iam.insertUser(user);
    })
    .catch((error) => conflictOnDuplicate(error, "The user name already exists."));
  return user;
}

export async function listUsers(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string; enabled?: boolean; domainId?: string },
): Promise<User[]> {
  requireOwnAccount(caller, filter.domainId);
  return context.store.read((tx) => tx.iam.listUsers(caller.accountId, { name: filter.name, enabled: filter.enabled }));
}

async function userOfAccount(context: UseCaseContext, caller: Caller, userId: string): Promise<User> {
  const user = await context.store.read((tx) => tx.iam.getUser(userId));
  if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${userId}.`);
  return user;
}

export async function showUser(context: UseCaseContext, caller: Caller, userId: string): Promise<User> {
  authorizeSelfOr(caller, userId, "iam:users:getUser");
  return userOfAccount(context, caller, userId);
}

export interface UserChanges {
  name?: string;
  password?: string;
  enabled?: boolean;
  description?: string;
  domainId?: string;
}

/** PATCH /v3/users/{user_id}: an administrator changes a user; no one disables itself. */
export async function updateUser(
  context: UseCaseContext,
  caller: Caller,
  userId: string,
  changes: UserChanges,
): Promise<User> {
  requireOwnAccount(caller, changes.domainId);
  const current = await userOfAccount(context, caller, userId);
  if (changes.name !== undefined && !isValidUserName(changes.name))
    fail("iamInvalidRequest", "The user name is invalid.");
  if (changes.password !== undefined) checkPassword(changes.password, changes.name ?? current.name);
  if (changes.enabled === false && userId === caller.userId) {
    fail("iamPolicyDenied", "A user cannot disable itself.");
  }
  const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
  return context.store
    .write(async (tx) => {
      const user = await tx.iam.getUser(userId);
      if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${userId}.`);
      if (changes.name !== undefined && changes.name !== user.name) {
        if ((await tx.iam.getUserByName(caller.accountId, changes.name)) !== undefined) {
          fail("iamConflict", "The user name already exists.");
        }
      }
      const updated: User = {
        ...user,
        name: changes.name ?? user.name,
        passwordHash: passwordHash ?? user.passwordHash,
        enabled: changes.enabled ?? user.enabled,
        description: changes.description ?? user.description,
      };
      await tx.iam.updateUser(updated);
      return updated;
    })
    .catch((error) => conflictOnDuplicate(error, "The user name already exists."));
}

/** DELETE /v3/users/{user_id}: the user, its keys and memberships; its tokens stop at once. */
export async function deleteUser(context: UseCaseContext, caller: Caller, userId: string): Promise<void> {
  if (userId === caller.userId) fail("iamPolicyDenied", "A user cannot delete itself.");
  await context.store.write(async (tx) => {
    const user = await tx.iam.getUser(userId);
    if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${userId}.`);
    await tx.iam.deleteUser(userId);
  });
}

/** POST /v3/users/{user_id}/password: users change their own password, knowing the current one. */
export async function changePassword(
  context: UseCaseContext,
  caller: Caller,
  userId: string,
  input: { originalPassword: string; password: string },
): Promise<void> {
  if (userId !== caller.userId) {
    fail("iamPolicyDenied", "Users change their own password only; an administrator sets others' with PATCH.");
  }
  const user = await userOfAccount(context, caller, userId);
  if (!(await verifyPassword(input.originalPassword, user.passwordHash))) {
    fail("iamWrongCredentials", "The original password is wrong.");
  }
  checkPassword(input.password, user.name);
  const passwordHash = await hashPassword(input.password);
  await context.store.write(async (tx) => {
    const current = await tx.iam.getUser(userId);
    if (!current) fail("iamUserNotFound", `Could not find user: ${userId}.`);
    await tx.iam.updateUser({ ...current, passwordHash });
  });
}
