/**
 * A token's check in two parts: what does not depend on the clock (signature, form, lifetime), which may be kept for
 * the token once checked, and whether it holds now. Together they are exactly `verifyToken`.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  claimsHoldAt,
  issueToken,
  signedClaims,
  TOKEN_LIFETIME_MS,
  type TokenClaims,
  verifyToken,
} from "../../src/auth/tokens.js";

const SECRET = "token-secret";
const ISSUED = Date.parse("2026-01-01T00:00:00.000Z");

function claims(issuedAt: number, lifetimeMs = TOKEN_LIFETIME_MS): TokenClaims {
  return {
    userId: "u",
    accountId: "a",
    projectId: "p",
    issuedAt: new Date(issuedAt).toISOString(),
    expiresAt: new Date(issuedAt + lifetimeMs).toISOString(),
  };
}

/** A token over any payload, signed as issueToken signs. */
function signed(payload: unknown): string {
  const text = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${text}.${createHmac("sha256", SECRET).update(text).digest("base64url")}`;
}

describe("a token's check", () => {
  const token = issueToken(claims(ISSUED), SECRET);
  const at = (ms: number) => new Date(ms);

  it("holds from (up to 15 minutes before) its issue until just before its expiry, as verifyToken says", () => {
    const kept = signedClaims(token, SECRET) as TokenClaims;
    expect(kept).toMatchObject({ userId: "u", accountId: "a", projectId: "p" });
    const moments = [
      ISSUED - 15 * 60_000 - 1,
      ISSUED - 15 * 60_000,
      ISSUED,
      ISSUED + TOKEN_LIFETIME_MS - 1,
      ISSUED + TOKEN_LIFETIME_MS,
    ];
    expect(moments.map((ms) => claimsHoldAt(kept, at(ms)))).toEqual([false, true, true, true, false]);
    expect(moments.map((ms) => verifyToken(token, SECRET, at(ms)) !== undefined)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it("refuses, whatever the time, another secret's signature, a changed payload and a lifetime over a day", () => {
    expect(signedClaims(token, "other-secret")).toBeUndefined();
    const [payload, signature] = token.split(".") as [string, string];
    expect(signedClaims(`${payload}x.${signature}`, SECRET)).toBeUndefined();
    expect(signedClaims(signed(claims(ISSUED, TOKEN_LIFETIME_MS + 1)), SECRET)).toBeUndefined();
    expect(signedClaims(signed({ ...claims(ISSUED), expiresAt: "Infinity" }), SECRET)).toBeUndefined();
    expect(signedClaims(signed(claims(ISSUED)), SECRET)).toEqual(claims(ISSUED));
  });
});
