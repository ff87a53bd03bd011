import { randomBytes } from "node:crypto";
import type { AccessKey } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";
import { authorizeSelfOr } from "./permissions.js";

/** The cloud allows two permanent access keys per user. */
export const MAX_KEYS_PER_USER = 2;

export const newAccessKeyId = () => randomBytes(10).toString("hex").toUpperCase();
export const newSecretKey = () => randomBytes(30).toString("base64url");

async function keyOfAccount(tx: Tx, caller: Caller, accessKey: string): Promise<AccessKey> {
  const key = await tx.iam.getAccessKey(accessKey);
  const owner = key ? await tx.iam.getUser(key.userId) : undefined;
  if (!key || !owner || owner.accountId !== caller.accountId) {
    fail("iamCredentialNotFound", `Could not find credential: ${accessKey}.`);
  }
  return key;
}

/** POST /v3.0/OS-CREDENTIAL/credentials: the secret is shown once, in this answer. */
export async function createAccessKey(
  context: UseCaseContext,
  caller: Caller,
  input: { userId: string; description?: string },
): Promise<AccessKey> {
  authorizeSelfOr(caller, input.userId, "iam:credentials:createCredential");
  const secretKey = newSecretKey();
  const key: AccessKey = {
    accessKey: newAccessKeyId(),
    secretKey,
    userId: input.userId,
    status: "active",
    description: input.description ?? "",
    createdAt: context.now().toISOString(),
  };
  await context.store.write(async (tx) => {
    const user = await tx.iam.getUser(input.userId);
    if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${input.userId}.`);
    if ((await tx.iam.listAccessKeys(input.userId)).length >= MAX_KEYS_PER_USER) fail("iamAccessKeyQuota");
    await tx.iam.insertAccessKey({ ...key, secretKey: context.secrets.seal(secretKey) });
  });
  return key;
}

/** GET /v3.0/OS-CREDENTIAL/credentials: the caller's keys, or (with the action) another user's. */
export async function listAccessKeys(context: UseCaseContext, caller: Caller, userId?: string): Promise<AccessKey[]> {
  const target = userId ?? caller.userId;
  authorizeSelfOr(caller, target, "iam:credentials:listCredentials");
  return context.store.read(async (tx) => {
    const user = await tx.iam.getUser(target);
    if (!user || user.accountId !== caller.accountId) fail("iamUserNotFound", `Could not find user: ${target}.`);
    return tx.iam.listAccessKeys(target);
  });
}

export async function showAccessKey(context: UseCaseContext, caller: Caller, accessKey: string): Promise<AccessKey> {
  const key = await context.store.read((tx) => keyOfAccount(tx, caller, accessKey));
  authorizeSelfOr(caller, key.userId, "iam:credentials:getCredential");
  return key;
}

/** PUT …/credentials/{access_key}: an inactive key stops signing from the next request on. */
export async function updateAccessKey(
  context: UseCaseContext,
  caller: Caller,
  accessKey: string,
  changes: { status?: "active" | "inactive"; description?: string },
): Promise<AccessKey> {
  return context.store.write(async (tx) => {
    const key = await keyOfAccount(tx, caller, accessKey);
    authorizeSelfOr(caller, key.userId, "iam:credentials:updateCredential");
    const updated: AccessKey = {
      ...key,
      status: changes.status ?? key.status,
      description: changes.description ?? key.description,
    };
    await tx.iam.updateAccessKey(updated);
    return updated;
  });
}

/** DELETE …/credentials/{access_key}: the key stops signing at once, in every process. */
export async function deleteAccessKey(context: UseCaseContext, caller: Caller, accessKey: string): Promise<void> {
  await context.store.write(async (tx) => {
    const key = await keyOfAccount(tx, caller, accessKey);
    authorizeSelfOr(caller, key.userId, "iam:credentials:deleteCredential");
    await tx.iam.deleteAccessKey(accessKey);
  });
}
