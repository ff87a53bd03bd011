import type { FastifyRequest } from "fastify";
import { type ParsedAuthorization, parseAuthorization } from "../auth/aksk-signature.js";
import type { TokenClaims } from "../auth/tokens.js";

/**
 * What a request presents to prove who it is, read from its headers once and shared by the rate limit, the
 * authentication and the audit trail.
 */
export interface Credentials {
  /** `X-Auth-Token`, when given and not empty (an empty one is no token). */
  token: string | undefined;
  /** Whether an `Authorization` header was sent at all. */
  authorizationSent: boolean;
  /** The `Authorization` header as an SDK-HMAC-SHA256 signature; undefined when absent or not that form. */
  signature: ParsedAuthorization | undefined;
  /** The token's claims once checked (signature and clock): the rate limit and the authentication check it once. */
  tokenClaims?: MaybeClaims;
}

/** Claims, or their absence, known at once or later (the first check reads the token secret from the store). */
export type MaybeClaims = TokenClaims | undefined | Promise<TokenClaims | undefined>;

/** Checks a token's signature and times: the claims when it is valid now, else undefined. */
export type TokenCheck = (token: string) => MaybeClaims;

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `credentialsOf` the first time a request's credentials are needed. */
    credentials?: Credentials;
  }
}

/** A header's value; repeated headers joined by commas, as the signature's canonical form takes them. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The request's credentials, parsed on first use and kept on the request for every later use. */
export function credentialsOf(request: FastifyRequest): Credentials {
  if (request.credentials) return request.credentials;
  const authorization = headerValue(request, "authorization");
  const credentials: Credentials = {
    token: headerValue(request, "x-auth-token") || undefined,
    authorizationSent: Boolean(authorization),
    signature: authorization ? parseAuthorization(authorization) : undefined,
  };
  request.credentials = credentials;
  return credentials;
}

/** The claims of the request's token (undefined without one, or when it is not valid), checked once per request. */
export function tokenClaimsOf(request: FastifyRequest, check: TokenCheck): MaybeClaims {
  const credentials = credentialsOf(request);
  if (credentials.token === undefined) return undefined;
  if (!("tokenClaims" in credentials)) credentials.tokenClaims = check(credentials.token);
  return credentials.tokenClaims;
}
