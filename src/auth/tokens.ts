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
  const dot = token.indexOf(".");
  if (dot <= 0) return undefined;
  const payload = token.slice(0, dot);
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(token.slice(dot + 1));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    return undefined;
  }
  if (typeof claims.expiresAt !== "string" || Date.parse(claims.expiresAt) <= now.getTime()) return undefined;
  return claims;
}

function sign(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}
