import { randomBytes } from "node:crypto";
import { hashPassword } from "../../auth/passwords.js";
import { isAcceptablePassword, isValidUserName } from "../../domain/iam/names.js";
import { BOOTSTRAP_USER } from "../../domain/iam/well-known-names.js";
import type { AccessKey, Account, User } from "../../domain/model.js";
import type { Tx } from "../../store/store.js";
import type { UseCaseContext } from "../context.js";
import { insertAccount, randomHex } from "./accounts.js";
import { MAX_KEYS_PER_USER, newAccessKeyId, newSecretKey } from "./credentials.js";

/**
 * `ecs-vip admin`: bootstrap and recovery on the store directly, each command one unit of work, so it is safe while
 * servers run (they read users and keys from the store on every request).
 */
export class AdminError extends Error {}

/** A password for a person to type: 16 characters of four kinds. */
export function generatedPassword(): string {
  return `${randomBytes(12).toString("base64url")}a1-Z`;
}

function checkPassword(password: string, userName: string): void {
  if (!isAcceptablePassword(password, userName)) {
    throw new AdminError(
      "the password must be 8 to 32 characters of at least two kinds (upper case, lower case, digits, special) and not the user name",
    );
  }
}

async function accountNamed(tx: Tx, name: string): Promise<Account> {
  const account = await tx.iam.getAccountByName(name);
  if (!account) throw new AdminError(`no account named ${name}`);
  return account;
}

async function userNamed(tx: Tx, account: Account, name: string): Promise<User> {
  const user = await tx.iam.getUserByName(account.id, name);
  if (!user) throw new AdminError(`account ${account.name} has no user named ${name}`);
  return user;
}

export interface CreatedAccount {
  account: string;
  accountId: string;
  user: string;
  userId: string;
  projectId: string;
  projectName: string;
}

/** An account with its administrator (`admin`, in the account's admin group) and one project. */
export async function createAccount(
  context: UseCaseContext,
  input: { name: string; password: string; projectName: string },
): Promise<CreatedAccount> {
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(input.name)) {
    throw new AdminError("an account name is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter");
  }
  checkPassword(input.password, BOOTSTRAP_USER);
  const passwordHash = await hashPassword(input.password);
  const projectId = randomHex(16);
  return context.store.write(async (tx) => {
    if (await tx.iam.getAccountByName(input.name))
      throw new AdminError(`an account named ${input.name} already exists`);
    if (await tx.iam.getProjectByName(input.projectName)) {
      throw new AdminError(`a project named ${input.projectName} already exists (project names are unique in a store)`);
    }
    const created = await insertAccount(context, tx, {
      accountName: input.name,
      userName: BOOTSTRAP_USER,
      passwordHash,
      projectId,
      projectName: input.projectName,
    });
    return {
      account: input.name,
      accountId: created.accountId,
      user: BOOTSTRAP_USER,
      userId: created.userId,
      projectId,
      projectName: input.projectName,
    };
  });
}

/** A user without any group: an administrator grants it roles through IAM. */
export async function createUser(
  context: UseCaseContext,
  input: { account: string; name: string; password: string },
): Promise<User> {
  if (!isValidUserName(input.name)) throw new AdminError(`${input.name} is not a valid IAM user name`);
  checkPassword(input.password, input.name);
  const passwordHash = await hashPassword(input.password);
  return context.store.write(async (tx) => {
    const account = await accountNamed(tx, input.account);
    if (await tx.iam.getUserByName(account.id, input.name)) {
      throw new AdminError(`account ${input.account} already has a user named ${input.name}`);
    }
    const user: User = {
      id: randomHex(16),
      accountId: account.id,
      name: input.name,
      passwordHash,
      enabled: true,
      description: "",
      createdAt: context.now().toISOString(),
    };
    await tx.iam.insertUser(user);
    return user;
  });
}

/** Sets a user's password (recovery: no original password needed); the user is enabled again. */
export async function setPassword(
  context: UseCaseContext,
  input: { account: string; name: string; password: string },
): Promise<void> {
  checkPassword(input.password, input.name);
  const passwordHash = await hashPassword(input.password);
  await context.store.write(async (tx) => {
    const user = await userNamed(tx, await accountNamed(tx, input.account), input.name);
    await tx.iam.updateUser({ ...user, passwordHash, enabled: true });
  });
}

/** A new permanent access key; its secret is answered once and stored sealed under the master key. */
export async function createKey(context: UseCaseContext, input: { account: string; user: string }): Promise<AccessKey> {
  const key: AccessKey = {
    accessKey: newAccessKeyId(),
    secretKey: newSecretKey(),
    userId: "",
    status: "active",
    description: "ecs-vip admin",
    createdAt: context.now().toISOString(),
  };
  return context.store.write(async (tx) => {
    const user = await userNamed(tx, await accountNamed(tx, input.account), input.user);
    if ((await tx.iam.listAccessKeys(user.id)).length >= MAX_KEYS_PER_USER) {
      throw new AdminError(`user ${input.user} already has ${MAX_KEYS_PER_USER} access keys (revoke one first)`);
    }
    await tx.iam.insertAccessKey({ ...key, userId: user.id, secretKey: context.secrets.seal(key.secretKey) });
    return { ...key, userId: user.id };
  });
}

export interface KeyListing {
  accessKey: string;
  account: string;
  user: string;
  status: string;
  createdAt: string;
  description: string;
}

/** Every key of the store (or of one account), never a secret. */
export async function listKeys(context: UseCaseContext, accountName?: string): Promise<KeyListing[]> {
  return context.store.read(async (tx) => {
    const only = accountName === undefined ? undefined : await accountNamed(tx, accountName);
    const rows: KeyListing[] = [];
    const accounts = new Map<string, string>();
    for (const key of await tx.iam.listAccessKeys()) {
      const user = await tx.iam.getUser(key.userId);
      if (!user || (only && user.accountId !== only.id)) continue;
      if (!accounts.has(user.accountId))
        accounts.set(user.accountId, (await tx.iam.getAccount(user.accountId))?.name ?? "");
      rows.push({
        accessKey: key.accessKey,
        account: accounts.get(user.accountId) ?? "",
        user: user.name,
        status: key.status ?? "active",
        createdAt: key.createdAt ?? "",
        description: key.description ?? "",
      });
    }
    return rows;
  });
}

/** Deletes the key: every server on the store refuses it from its next request. */
export async function revokeKey(context: UseCaseContext, accessKey: string): Promise<void> {
  const deleted = await context.store.write((tx) => tx.iam.deleteAccessKey(accessKey));
  if (!deleted) throw new AdminError(`no access key ${accessKey}`);
}
