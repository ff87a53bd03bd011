import { verifyToken } from "../../auth/tokens.js";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../context.js";
import { type IdentityCache, tokenHash, tokenSecret } from "./authenticate.js";

/** The claims of a valid, unrevoked token of the caller's account; 404 otherwise (other accounts' tokens included). */
export async function checkToken(context: UseCaseContext, cache: IdentityCache, caller: Caller, token: string) {
  const claims = verifyToken(token, await tokenSecret(context, cache), context.now());
  if (!claims || claims.accountId !== caller.accountId) fail("iamTokenNotFound");
  // A user verifies and revokes its own tokens; the account's administrators anyone's of the account.
  if (claims.userId !== caller.userId && caller.admin !== true) fail("iamTokenNotFound");
  if (await context.store.read((tx) => tx.iam.isTokenRevoked(tokenHash(token)))) fail("iamTokenNotFound");
  return claims;
}

/** DELETE /v3/auth/tokens: the token stops working at once, in every process on the store. */
export async function revokeToken(context: UseCaseContext, cache: IdentityCache, caller: Caller, token: string) {
  const claims = await checkToken(context, cache, caller, token);
  await context.store.write((tx) =>
    tx.iam.revokeToken(tokenHash(token), claims.expiresAt, context.now().toISOString()),
  );
}
