import { createHash } from "node:crypto";
import {
  MAX_CLOCK_SKEW_MS,
  type ParsedAuthorization,
  parseSdkDate,
  signatureFor,
  signaturesMatch,
} from "../../auth/aksk-signature.js";
import { decodedPath, type SignableRequest } from "../../auth/canonical-request.js";
import { FailureLock } from "../../auth/failure-lock.js";
import { DEFAULT_SECURITY, type SecuritySettings } from "../../auth/security-settings.js";
import { claimsHoldAt, signedClaims, type TokenClaims } from "../../auth/tokens.js";
import { ADMIN_GROUP, TOKEN_SECRET_KEY } from "../../domain/iam/well-known-names.js";
import type { AccessKey, User } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Store, Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";

export interface SignedRequest extends SignableRequest {
  /** The Authorization header parsed as an SDK-HMAC-SHA256 signature; undefined when it is not that form. */
  authorization: ParsedAuthorization | undefined;
  /** Project the caller names: `X-Project-Id`, else the path's project id, else none. */
  projectHint: string | undefined;
}

/** Entries an identity map may hold before it is emptied (a bound on memory, whatever callers send). */
const MAX_CACHED = 10_000;

/** What was read of the store at one identity revision, and is good for as long as the revision stays the same. */
interface AtRevision<T> {
  revision: number;
  value: T;
}

/**
 * Identity facts worth keeping in memory: the token secret (never changes once written), the account's project
 * ids, and what users, keys, groups, grants and revoked tokens said at the store's identity revision. Every change
 * to those raises the revision in the same transaction, and each request reads the revision (one statement, none
 * while the store's identity stamp says it cannot have changed) before it trusts what is kept here: a revocation, in
 * any process, holds from the next request on.
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
  /**
   * Claims of tokens whose signature was checked, by token: one HMAC per token, not one per request. Only what does
   * not depend on the clock is kept; expiry is judged on every request, revocation read under the revision.
   */
  readonly signedTokens = new Map<string, TokenClaims>();
  /** Project ids per account; projects are never deleted, and a project not found here is looked up again. */
  readonly projects = new Map<string, Set<string>>();
  /** Callers by token (not revoked, user enabled, groups and roles as read). */
  readonly tokens = new Map<string, AtRevision<Caller>>();
  /** Access keys with their users, by key id. */
  readonly accessKeys = new Map<string, AtRevision<KeyAndUser | undefined>>();
  /** Callers by user, account and project. */
  readonly principals = new Map<string, AtRevision<Caller>>();
  /** The identity revision last read, with the store's identity stamp taken just before reading it. */
  revisionAtStamp: { store: unknown; stamp: number; revision: number } | undefined;
}

/** An access key with its user, and its secret opened once (the store keeps it sealed with the master key). */
type KeyAndUser = { key: AccessKey; user: User; secret: string };

/** The entry kept at `revision`, if any. */
function keptAt<T>(map: Map<string, AtRevision<T>>, key: string, revision: number): AtRevision<T> | undefined {
  const kept = map.get(key);
  return kept?.revision === revision ? kept : undefined;
}

function keep<T>(map: Map<string, AtRevision<T>>, key: string, revision: number, value: T): T {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, { revision, value });
  return value;
}

/**
 * The store's identity revision now: the only identity read of a request whose facts are kept, and none at all while
 * the store's identity stamp stays what it was when the revision was last read.
 */
async function currentIdentityRevision(context: UseCaseContext, cache: IdentityCache): Promise<number> {
  const store = context.store;
  const stamp = store.identityStamp?.();
  const known = cache.revisionAtStamp;
  if (stamp !== undefined && known?.stamp === stamp && known.store === store) return known.revision;
  const revision = await store.read((tx) => tx.iam.identityRevision(), { single: true });
  if (stamp !== undefined) cache.revisionAtStamp = { store, stamp, revision };
  return revision;
}

/** The identity revision, when the store's stamp shows the one last read still holds. */
function knownIdentityRevision(store: Store, cache: IdentityCache): number | undefined {
  const known = cache.revisionAtStamp;
  if (known === undefined || known.store !== store) return undefined;
  return store.identityStamp?.() === known.stamp ? known.revision : undefined;
}

export async function tokenSecret(context: UseCaseContext, cache: IdentityCache): Promise<string> {
  if (cache.tokenSecret === undefined) {
    const secret = await context.store.read((tx) => tx.admin.getMeta(TOKEN_SECRET_KEY));
    if (secret === undefined) throw new Error("store has no token secret: bootstrap did not run");
    cache.tokenSecret = context.secrets.open(secret);
  }
  return cache.tokenSecret;
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * The claims of a token signed with the store's secret that hold now, or undefined: the same as `verifyToken`.
 * Known at once (no promise) once the secret has been read, as it is for every request but the first.
 */
export function tokenClaims(
  context: UseCaseContext,
  cache: IdentityCache,
  token: string,
): TokenClaims | undefined | Promise<TokenClaims | undefined> {
  const secret = cache.tokenSecret;
  if (secret === undefined) return tokenSecret(context, cache).then(() => tokenClaims(context, cache, token));
  let claims = cache.signedTokens.get(token);
  if (claims === undefined) {
    claims = signedClaims(token, secret);
    if (claims === undefined) return undefined;
    if (cache.signedTokens.size >= MAX_CACHED) cache.signedTokens.clear();
    // Shared by every later request with this token: frozen, so none can change it for the others.
    cache.signedTokens.set(token, Object.freeze(claims));
  }
  return claimsHoldAt(claims, context.now()) ? claims : undefined;
}

/**
 * The caller kept for a token whose claims hold, when the store's identity stamp shows the facts kept with it are
 * still current; undefined when `authenticateToken` must decide (it reads the store).
 */
export function keptTokenCaller(context: UseCaseContext, cache: IdentityCache, token: string): Caller | undefined {
  const revision = knownIdentityRevision(context.store, cache);
  return revision === undefined ? undefined : keptAt(cache.tokens, token, revision)?.value;
}

/** The caller a token stands for, given its claims as `tokenClaims` found them (undefined when it is not valid). */
export async function authenticateToken(
  context: UseCaseContext,
  cache: IdentityCache,
  token: string,
  claims: TokenClaims | undefined,
): Promise<Caller> {
  if (!claims) fail("authenticationFailed", "Incorrect IAM authentication information: token is invalid or expired.");
  const revision = await currentIdentityRevision(context, cache);
  const kept = keptAt(cache.tokens, token, revision);
  if (kept) return kept.value;
  // Read at the revision the facts are kept under, in one snapshot with them.
  const found = await context.store.read(async (tx) => ({
    revision: await tx.iam.identityRevision(),
    revoked: await tx.iam.isTokenRevoked(tokenHash(token)),
    principal: await principalFacts(tx, claims.userId, claims.accountId, claims.projectId),
  }));
  if (found.revoked) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the token has been revoked.");
  }
  return keep(cache.tokens, token, found.revision, callerOf(found.principal));
}

/**
 * The caller as permissions see it, read from the store on every request: a user deleted or disabled stops at once
 * (its tokens too), and a grant or membership change holds from the next request, in every process.
 */
export async function principalOf(
  context: UseCaseContext,
  cache: IdentityCache,
  revision: number,
  userId: string,
  accountId: string,
  projectId: string,
): Promise<Caller> {
  const key = `${userId} ${accountId} ${projectId}`;
  const kept = keptAt(cache.principals, key, revision);
  if (kept) return kept.value;
  const found = await context.store.read(async (tx) => ({
    revision: await tx.iam.identityRevision(),
    principal: await principalFacts(tx, userId, accountId, projectId),
  }));
  return keep(cache.principals, key, found.revision, callerOf(found.principal));
}

/** The user's standing in the project, or undefined for a user deleted, disabled or of another account. */
async function principalFacts(tx: Tx, userId: string, accountId: string, projectId: string) {
  const user = await tx.iam.getUser(userId);
  if (!user || user.enabled === false || user.accountId !== accountId) return undefined;
  const groups = await tx.iam.listGroupsOfUser(userId);
  const roles = await tx.iam.rolesOfUserOnProject(userId, projectId);
  return { userId, accountId, projectId, admin: groups.some((group) => group.name === ADMIN_GROUP), roles };
}

/** A caller kept for later requests is shared by them, so it is frozen: nothing may change it for the others. */
function callerOf(principal: Caller | undefined): Caller {
  if (!principal) {
    fail("authenticationFailed", "Incorrect IAM authentication information: the user does not exist or is disabled.");
  }
  Object.freeze(principal.roles);
  return Object.freeze(principal);
}

export async function authenticateSignature(
  context: UseCaseContext,
  cache: IdentityCache,
  request: SignedRequest,
): Promise<Caller> {
  const parsed = request.authorization;
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
  const revision = await currentIdentityRevision(context, cache);
  const known = await lookupAccessKey(context, cache, revision, parsed.accessKey);
  if (!known) fail("authenticationFailed", "Incorrect IAM authentication information: ak not exist.");
  // A key made inactive (or its user disabled) signs nothing from the next request on, in every process.
  if (known.key.status === "inactive") {
    fail("authenticationFailed", "Incorrect IAM authentication information: the access key is inactive.");
  }
  const signs = (path: string) =>
    signaturesMatch(signatureFor({ ...request, path }, parsed.signedHeaders, sdkDate, known.secret), parsed.signature);
  if (!signs(request.path) && !(request.path.includes("%") && signs(decodedPath(request.path)))) {
    cache.accessKeyLock.fail(parsed.accessKey);
    fail("authenticationFailed", "Incorrect IAM authentication information: verify aksk signature fail.");
  }
  cache.accessKeyLock.succeed(parsed.accessKey);
  const projectId = await resolveProject(context, cache, known.user.accountId, request.projectHint);
  return principalOf(context, cache, revision, known.user.id, known.user.accountId, projectId);
}

/** The key and its user as of `revision`: a key deleted or made inactive stops working at once in every process. */
async function lookupAccessKey(
  context: UseCaseContext,
  cache: IdentityCache,
  revision: number,
  accessKey: string,
): Promise<KeyAndUser | undefined> {
  const kept = keptAt(cache.accessKeys, accessKey, revision);
  if (kept) return kept.value;
  const found = await context.store.read(async (tx) => {
    const key = await tx.iam.getAccessKey(accessKey);
    const user = key ? await tx.iam.getUser(key.userId) : undefined;
    return {
      revision: await tx.iam.identityRevision(),
      value: key && user ? { key, user, secret: context.secrets.open(key.secretKey) } : undefined,
    };
  });
  return keep(cache.accessKeys, accessKey, found.revision, found.value);
}

/** The project a signed request acts in; a project outside the caller's account is never accepted. */
async function resolveProject(
  context: UseCaseContext,
  cache: IdentityCache,
  accountId: string,
  hint: string | undefined,
): Promise<string> {
  if (hint !== undefined && cache.projects.get(accountId)?.has(hint)) return hint;
  const projects = await context.store.read((tx) => tx.iam.listProjects(accountId, {}));
  cache.projects.set(accountId, new Set(projects.map((project) => project.id)));
  if (hint !== undefined) {
    if (projects.some((project) => project.id === hint)) return hint;
    fail("authenticationFailed", "Incorrect IAM authentication information: the project is not available to this key.");
  }
  const first = projects[0];
  if (!first) fail("authenticationFailed", "Incorrect IAM authentication information: the account has no project.");
  return first.id;
}
