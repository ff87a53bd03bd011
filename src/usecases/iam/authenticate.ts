import { createHash } from "node:crypto";
import {
  MAX_CLOCK_SKEW_MS,
  parseAuthorization,
  parseSdkDate,
  signatureFor,
  signaturesMatch,
} from "../../auth/aksk-signature.js";
import { decodedPath, type SignableRequest } from "../../auth/canonical-request.js";
import { FailureLock } from "../../auth/failure-lock.js";
import { DEFAULT_SECURITY, type SecuritySettings } from "../../auth/security-settings.js";
import { verifyToken } from "../../auth/tokens.js";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../context.js";
import { TOKEN_SECRET_KEY } from "./bootstrap.js";

export interface SignedRequest extends SignableRequest {
  authorization: string;
  /** Project the caller names: `X-Project-Id`, else the path's project id, else none. */
  projectHint: string | undefined;
}

/**
 * Identity facts worth keeping in memory: the token secret (never changes once written) and the account's project
 * ids. Users, keys, groups and grants are not cached: they are read from the store on every request.
 */
export class IdentityCache {
  /** The gateway's lock on access keys with consecutive signature failures. */
  readonly accessKeyLock: FailureLock;
  /** IAM's login lock-out (login policy), by account and user name, known or not. */
  readonly loginLock: FailureLock;

  constructor(readonly security: SecuritySettings = DEFAULT_SECURITY) {
    this.accessKeyLock = new FailureLock(
      security.accessKeyFailures,
      Number.POSITIVE_INFINITY,
      security.accessKeyLockMs,
    );
    this.loginLock = new FailureLock(security.loginFailures, security.loginFailureWindowMs, security.loginLockMs);
  }

  tokenSecret: string | undefined;
  /** Project ids per account; projects are never deleted, and a project not found here is looked up again. */
  readonly projects = new Map<string, Set<string>>();
}

export async function tokenSecret(context: UseCaseContext, cache: IdentityCache): Promise<string> {
  if (cache.tokenSecret === undefined) {
    const secret = await context.store.read((tx) => tx.getMeta(TOKEN_SECRET_KEY));
    if (secret === undefined) throw new Error("store has no token secret: bootstrap did not run");
    cache.tokenSecret = context.secrets.open(secret);
  }
  return cache.tokenSecret;
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export async function authenticateToken(context: UseCaseContext, cache: IdentityCache, token: string): Promise<Caller> {
  const claims = verifyToken(token, await tokenSecret(context, cache), context.now());
  if (!claims) fail("authenticationFailed", "Incorrect IAM authentication information: token is invalid or expired.");
  // Looked up in the store on every use, so a revocation holds at once in every process.
  if (await context.store.read((tx) => tx.isTokenRevoked(tokenHash(token)), { single: true })) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the token has been revoked.");
  }
  return principalOf(context, claims.userId, claims.accountId, claims.projectId);
}

export const ADMIN_GROUP = "admin";

/**
 * The caller as permissions see it, read from the store on every request: a user deleted or disabled stops at once
 * (its tokens too), and a grant or membership change holds from the next request, in every process.
 */
export async function principalOf(
  context: UseCaseContext,
  userId: string,
  accountId: string,
  projectId: string,
): Promise<Caller> {
  const found = await context.store.read(async (tx) => {
    const user = await tx.getUser(userId);
    if (!user || user.enabled === false || user.accountId !== accountId) return undefined;
    const groups = await tx.listGroupsOfUser(userId);
    const roles = await tx.rolesOfUserOnProject(userId, projectId);
    return { admin: groups.some((group) => group.name === ADMIN_GROUP), roles };
  });
  if (!found) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the user does not exist or is disabled.");
  }
  return { userId, accountId, projectId, admin: found.admin, roles: found.roles };
}

/** The user a valid token names, or undefined; no store access beyond the (cached) token secret. */
export async function userOfToken(
  context: UseCaseContext,
  cache: IdentityCache,
  token: string,
): Promise<string | undefined> {
  return verifyToken(token, await tokenSecret(context, cache), context.now())?.userId;
}

export async function authenticateSignature(
  context: UseCaseContext,
  cache: IdentityCache,
  request: SignedRequest,
): Promise<Caller> {
  const parsed = parseAuthorization(request.authorization);
  if (!parsed)
    fail("authenticationFailed", "Incorrect IAM authentication information: unsupported Authorization header.");
  // What the signature must cover: the host it was meant for, and the project it acts in when one is named.
  if (!parsed.signedHeaders.includes("host")) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the host header must be signed.");
  }
  if (request.header("x-project-id") !== undefined && !parsed.signedHeaders.includes("x-project-id")) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the X-Project-Id header must be signed.");
  }
  // The gateway refuses every request with a locked key, a correctly signed one included, until the lock ends.
  if (cache.accessKeyLock.lockedFor(parsed.accessKey) > 0) fail("accessKeyLocked");
  const sdkDate = request.header("x-sdk-date") ?? "";
  const signedAt = parseSdkDate(sdkDate);
  if (!signedAt)
    fail("authenticationFailed", "Incorrect IAM authentication information: X-Sdk-Date is missing or invalid.");
  if (Math.abs(context.now().getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    fail("authenticationFailed", "Incorrect IAM authentication information: signature expired.");
  }
  const known = await lookupAccessKey(context, cache, parsed.accessKey);
  if (!known) fail("authenticationFailed", "Incorrect IAM authentication information: ak not exist.");
  // A key made inactive (or its user disabled) signs nothing from the next request on, in every process.
  if (known.key.status === "inactive") {
    fail("authenticationFailed", "Incorrect IAM authentication information: the access key is inactive.");
  }
  const signs = (path: string) =>
    signaturesMatch(
      signatureFor({ ...request, path }, parsed.signedHeaders, sdkDate, context.secrets.open(known.key.secretKey)),
      parsed.signature,
    );
  if (!signs(request.path) && !(request.path.includes("%") && signs(decodedPath(request.path)))) {
    cache.accessKeyLock.fail(parsed.accessKey);
    fail("authenticationFailed", "Incorrect IAM authentication information: verify aksk signature fail.");
  }
  cache.accessKeyLock.succeed(parsed.accessKey);
  const projectId = await resolveProject(context, cache, known.user.accountId, request.projectHint);
  return principalOf(context, known.user.id, known.user.accountId, projectId);
}

/** Read from the store on every request (never cached), so a deleted key stops working at once in every process. */
async function lookupAccessKey(context: UseCaseContext, _cache: IdentityCache, accessKey: string) {
  const found = await context.store.read(async (tx) => {
    const key = await tx.getAccessKey(accessKey);
    const user = key ? await tx.getUser(key.userId) : undefined;
    return key && user ? { key, user } : undefined;
  });
  return found;
}

/** The project a signed request acts in; a project outside the caller's account is never accepted. */
async function resolveProject(
  context: UseCaseContext,
  cache: IdentityCache,
  accountId: string,
  hint: string | undefined,
): Promise<string> {
  if (hint !== undefined && cache.projects.get(accountId)?.has(hint)) return hint;
  const projects = await context.store.read((tx) => tx.listProjects(accountId, {}));
  cache.projects.set(accountId, new Set(projects.map((project) => project.id)));
  if (hint !== undefined) {
    if (projects.some((project) => project.id === hint)) return hint;
    fail("authenticationFailed", "Incorrect IAM authentication information: the project is not available to this key.");
  }
  const first = projects[0];
  if (!first) fail("authenticationFailed", "Incorrect IAM authentication information: the account has no project.");
  return first.id;
}
