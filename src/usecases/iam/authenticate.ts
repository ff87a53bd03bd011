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

/** Immutable identity facts worth keeping in memory: the token secret and access keys never change once written. */
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
  /** Project ids per account; projects are only created at bootstrap, never deleted. */
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
  return { userId: claims.userId, accountId: claims.accountId, projectId: claims.projectId };
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
  return { userId: known.user.id, accountId: known.user.accountId, projectId };
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
