/**
 * Token claims are checked against the store's secret once per token and kept; what depends on the clock is judged
 * on every use, and only tokens that passed are kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { issueToken, TOKEN_LIFETIME_MS } from "../../../src/auth/tokens.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { defaultContext } from "../../../src/usecases/context.js";
import { IdentityCache, tokenClaims, tokenSecret } from "../../../src/usecases/iam/authenticate.js";
import { bootstrap } from "../../../src/usecases/iam/bootstrap.js";
import { testIdentity } from "../../support/server.js";

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setUp() {
  const identity = testIdentity();
  store = await SqliteStore.open({ path: ":memory:" });
  let now = Date.parse("2026-03-01T12:00:00.000Z");
  const context = { ...defaultContext(store), now: () => new Date(now) };
  await bootstrap(context, {
    projectName: "local-1",
    projectId: identity.projectId,
    accessKey: identity.accessKey,
    secretKey: identity.secretKey,
    adminPassword: identity.password,
  });
  const cache = new IdentityCache();
  const issuedAt = new Date(now).toISOString();
  const expiresAt = new Date(now + TOKEN_LIFETIME_MS).toISOString();
  const claims = { userId: "u", accountId: "a", projectId: identity.projectId, issuedAt, expiresAt };
  const token = issueToken(claims, await tokenSecret(context, cache));
  return { context, cache, token, claims, advance: (ms: number) => (now += ms) };
}

describe("tokenClaims", () => {
  it("keeps a token's claims once checked, and still refuses the token once it has expired", async () => {
    const { context, cache, token, claims, advance } = await setUp();
    expect(await tokenClaims(context, cache, token)).toEqual(claims);
    expect(cache.signedTokens.get(token)).toEqual(claims);
    advance(TOKEN_LIFETIME_MS - 1);
    expect(await tokenClaims(context, cache, token)).toEqual(claims);
    advance(1);
    expect(await tokenClaims(context, cache, token)).toBeUndefined();
  });

  it("keeps nothing for a token that fails its check", async () => {
    const { context, cache, token, claims } = await setUp();
    const [payload] = token.split(".");
    for (let i = 0; i < 100; i++) {
      expect(await tokenClaims(context, cache, `${payload}.${String(i).padStart(43, "A")}`)).toBeUndefined();
    }
    expect(await tokenClaims(context, cache, issueToken(claims, "another-secret"))).toBeUndefined();
    expect(cache.signedTokens.size).toBe(0);
  });
});
