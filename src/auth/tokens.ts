import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface TokenClaims {
  userId: string;
  accountId: string;
  projectId: string;
  issuedAt: string;
  expiresAt: string;
}

/**
 * Tokens are self-contained and HMAC-signed with a secret kept in the store, so every server process on the same
 * store accepts them and they survive restarts without a token table.
 */
export function issueToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, nonce: randomBytes(8).toString("hex") }), "utf8").toString(
    "base64url",
  );
  return `${payload}.${sign(payload, secret)}`;
}

export function verifyToken(token: string, secret: string, now: Date): TokenClaims | undefined {
  const claims = signedClaims(token, secret);
  return claims && claimsHoldAt(claims, now) ? claims : undefined;
}

/**
 * The claims of a token this secret signed, well formed, whenever they hold: what does not depend on the clock,
 * and so may be kept for the token once checked (the secret never changes once written).
 */
export function signedClaims(token: string, secret: string): TokenClaims | undefined {
  const dot = token.indexOf(".");
  if (dot <= 0) return undefined;
  const payload = token.slice(0, dot);
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(token.slice(dot + 1));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  return wellFormedClaims(claims);
}

/** The token is not expired at `now`, and was not issued later than now (with the signature clock skew). */
export function claimsHoldAt(claims: TokenClaims, now: Date): boolean {
  const time = now.getTime();
  return Date.parse(claims.expiresAt) > time && Date.parse(claims.issuedAt) <= time + 15 * 60_000;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Claims are trusted only when every field is there with its type, both times are real ISO instants and the token
 * lives at most TOKEN_LIFETIME_MS: a claim such as `expiresAt: "Infinity"` (NaN once parsed, and NaN is never
 * "expired") is refused. Whether they hold now is `claimsHoldAt`'s.
 */
function wellFormedClaims(claims: unknown): TokenClaims | undefined {
  if (typeof claims !== "object" || claims === null) return undefined;
  const c = claims as Record<string, unknown>;
  for (const field of ["userId", "accountId", "projectId", "issuedAt", "expiresAt"]) {
    if (typeof c[field] !== "string" || c[field] === "") return undefined;
  }
  const issuedAt = c.issuedAt as string;
  const expiresAt = c.expiresAt as string;
  if (!ISO_TIME.test(issuedAt) || !ISO_TIME.test(expiresAt)) return undefined;
  const issued = Date.parse(issuedAt);
  const expires = Date.parse(expiresAt);
  if (!Number.isFinite(issued) || !Number.isFinite(expires) || expires - issued > TOKEN_LIFETIME_MS) return undefined;
  return {
    userId: c.userId as string,
    accountId: c.accountId as string,
    projectId: c.projectId as string,
    issuedAt,
    expiresAt,
  };
}

function sign(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}
