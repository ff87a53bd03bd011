import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import {
  authenticateSignature,
  authenticateToken,
  type IdentityCache,
  keptTokenCaller,
  tokenClaims,
} from "../../usecases/iam/authenticate.js";
import { allows } from "../../usecases/iam/permissions.js";
import { credentialsOf, headerValue, type TokenCheck, tokenClaimsOf } from "../credentials.js";
import { actionsOf, deniedErrorOf, isPublic, permissionOf } from "../permission.js";
import { parseBodyAfterAuthentication } from "./body-parsing.js";

/** The caller kept for the request's token, known at once when nothing about it needs the store; else undefined. */
function keptCaller(
  context: UseCaseContext,
  cache: IdentityCache,
  checkToken: TokenCheck,
  request: FastifyRequest,
): Caller | undefined {
  const { token } = credentialsOf(request);
  if (!token) return undefined;
  const claims = tokenClaimsOf(request, checkToken);
  if (claims === undefined || claims instanceof Promise) return undefined;
  return keptTokenCaller(context, cache, token);
}

async function resolveCaller(
  context: UseCaseContext,
  cache: IdentityCache,
  checkToken: TokenCheck,
  request: FastifyRequest,
) {
  const credentials = credentialsOf(request);
  if (credentials.token) {
    const claims = await tokenClaimsOf(request, checkToken);
    return authenticateToken(context, cache, credentials.token, claims);
  }
  if (!credentials.authorizationSent) {
    fail("authenticationFailed", "Incorrect IAM authentication information: no credentials given.");
  }
  const header = (name: string) => headerValue(request, name);
  const url = request.raw.url ?? request.url;
  const queryStart = url.indexOf("?");
  const params = request.params as Record<string, string> | undefined;
  return authenticateSignature(context, cache, {
    method: request.method,
    path: queryStart < 0 ? url : url.slice(0, queryStart),
    rawQuery: queryStart < 0 ? "" : url.slice(queryStart + 1),
    header,
    body: request.rawBody ?? Buffer.alloc(0),
    authorization: credentials.signature,
    // The path's project is the scope of project-scoped APIs only; IAM's paths name projects they act on.
    projectHint:
      header("x-project-id") ?? (request.routeOptions.config.errors?.projectMismatch ? params?.project_id : undefined),
  });
}

/** The route's declared permission, judged against the caller's roles; 403 in the service's envelope. */
function checkPermission(request: FastifyRequest, config: FastifyContextConfig): void {
  const caller = request.caller as Caller;
  // A route that declares none is for administrators only (a test checks every route declares one).
  const permission = permissionOf(config);
  const denied = deniedErrorOf(config);
  switch (permission.kind) {
    case "public":
    case "self":
      return;
    case "admin":
      if (!caller.admin) fail(denied, "The IAM user is not authorized to access the API.");
      return;
    case "action":
      if (permission.self) return;
      for (const action of actionsOf(permission, request.body)) {
        if (!allows(caller, action)) fail(denied, `Policy doesn't allow ${action} to be performed.`);
      }
  }
}

/**
 * Runs once the body is read (signatures cover it): authenticates the caller, then applies the rules every route
 * shares, in the cloud's order: the path's project must be the caller's, the caller's roles must allow the route's
 * action (the route's `config.permission`), then the body must parse.
 */
export function registerAuthentication(app: FastifyInstance, context: UseCaseContext, cache: IdentityCache): void {
  const checkToken: TokenCheck = (token) => tokenClaims(context, cache, token);
  // With `done`, not async: a token whose caller is kept (most requests) is authenticated without a promise.
  app.addHook("preValidation", (request, _reply, done) => {
    // As the cloud's API gateway: an unknown route is 404 APIGW.0101 before any credentials are looked at.
    if (request.is404) return done();
    const config = request.routeOptions.config;
    if (isPublic(config)) {
      checkRequest(request, config);
      return done();
    }
    const kept = keptCaller(context, cache, checkToken, request);
    if (kept) {
      authenticated(request, config, kept);
      return done();
    }
    resolveCaller(context, cache, checkToken, request).then((caller) => {
      try {
        authenticated(request, config, caller);
      } catch (error) {
        return done(error as Error);
      }
      done();
    }, done);
  });
}

function authenticated(request: FastifyRequest, config: FastifyContextConfig, caller: Caller): void {
  request.caller = caller;
  const pathProject = (request.params as Record<string, string> | undefined)?.project_id;
  if (pathProject !== undefined && pathProject !== caller.projectId && config.errors?.projectMismatch) {
    fail(config.errors.projectMismatch);
  }
  checkRequest(request, config);
}

function checkRequest(request: FastifyRequest, config: FastifyContextConfig): void {
  parseBodyAfterAuthentication(request);
  const errors = config.errors;
  // Permissions before any validation: a caller without the action learns nothing about its input.
  if (request.caller) checkPermission(request, config);
  if (request.bodyProblem === "invalid" && errors) fail(errors.invalid, "The request body is not valid JSON.");
  const carriesBody = request.method === "POST" || request.method === "PUT" || request.method === "PATCH";
  if (carriesBody && errors?.blank && (request.rawBody === undefined || request.rawBody.length === 0)) {
    fail(errors.blank);
  }
}
