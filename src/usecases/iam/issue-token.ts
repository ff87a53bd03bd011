import { HashingBusyError, UNKNOWN_USER_HASH, verifyPassword } from "../../auth/passwords.js";
import { issueToken, TOKEN_LIFETIME_MS } from "../../auth/tokens.js";
import type { Account, Project, User } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import { throttle } from "../../errors/throttled.js";
import type { UseCaseContext } from "../context.js";
import { type IdentityCache, tokenSecret } from "./authenticate.js";

export interface PasswordAuth {
  userName: string;
  password: string;
  domain: { id?: string; name?: string };
  scope: { projectId?: string; projectName?: string };
}

export interface IssuedToken {
  token: string;
  issuedAt: string;
  expiresAt: string;
  user: User;
  account: Account;
  project: Project;
  /** Ids of the roles the user holds on the project through its groups. */
  roleIds: string[];
}

/** POST /v3/auth/tokens with a password: a project-scoped token valid for 24 hours. */
export async function issuePasswordToken(
  context: UseCaseContext,
  cache: IdentityCache,
  auth: PasswordAuth,
): Promise<IssuedToken> {
  const found = await context.store.read(async (tx) => {
    const account = auth.domain.name !== undefined ? await tx.iam.getAccountByName(auth.domain.name) : undefined;
    const accountId = account?.id ?? auth.domain.id;
    const user = accountId !== undefined ? await tx.iam.getUserByName(accountId, auth.userName) : undefined;
    if (!user) return undefined;
    const resolvedAccount = account ?? { id: user.accountId, name: auth.domain.name ?? "" };
    const projects = await tx.iam.listProjects(user.accountId, {});
    return { user, account: resolvedAccount, projects };
  });
  // Locked by account and name whether the user exists or not, so the lock-out does not reveal names either.
  // Only the domain's id and name: the object may carry anything else a client sent.
  const lockKey = `${found?.user.accountId ?? `${auth.domain.id ?? ""}/${auth.domain.name ?? ""}`}:${auth.userName}`;
  if (cache.loginLock.lockedFor(lockKey) > 0) fail("iamUserLocked");
  // An unknown user costs the same scrypt work as a known one: timing must not reveal which names exist.
  const matches = await verifyPassword(auth.password, found?.user.passwordHash ?? UNKNOWN_USER_HASH).catch(
    (error: unknown) => {
      if (error instanceof HashingBusyError) throttle(1, "Too many logins are being checked; try again shortly.");
      throw error;
    },
  );
  if (!found || !matches) {
    cache.loginLock.fail(lockKey);
    fail("iamWrongCredentials");
  }
  cache.loginLock.succeed(lockKey);
  if (found.user.enabled === false) fail("iamWrongCredentials", "The user is disabled.");
  const { projectId, projectName } = auth.scope;
  const project =
    projectId !== undefined || projectName !== undefined
      ? found.projects.find(
          (p) =>
            (projectId === undefined || p.id === projectId) && (projectName === undefined || p.name === projectName),
        )
      : found.projects[0];
  if (!project) fail("iamProjectNotFound");
  const now = context.now();
  const issuedAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString();
  const token = issueToken(
    { userId: found.user.id, accountId: found.user.accountId, projectId: project.id, issuedAt, expiresAt },
    await tokenSecret(context, cache),
  );
  const roleIds = await context.store.read((tx) => tx.iam.rolesOfUserOnProject(found.user.id, project.id));
  return { token, issuedAt, expiresAt, user: found.user, account: found.account, project, roleIds };
}
