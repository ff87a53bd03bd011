import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { UseCaseContext } from "../../usecases/context.js";
import type { IdentityCache } from "../../usecases/iam/authenticate.js";
import { checkToken, revokeToken } from "../../usecases/iam/revoke-token.js";
import { noContent, ok } from "../openapi/answers.js";
import { SELF } from "../permission.js";
import type { RouteErrors } from "../request-context.js";
import { callerOf } from "../request-context.js";
import { iamAnswers } from "./answers.js";

const errors: RouteErrors = { invalid: "iamInvalidRequest", internal: "iamInternal", busy: "iamInternal" };

function subjectToken(headers: Record<string, string | string[] | undefined>): string {
  const token = headers["x-subject-token"];
  if (typeof token !== "string" || token === "") fail("iamInvalidRequest", "X-Subject-Token is required.");
  return token;
}

/** Token verification (GET) and revocation (DELETE) of `X-Subject-Token`, as IAM offers them. */
export function tokenRoutes(context: UseCaseContext, cache: IdentityCache) {
  return async (app: FastifyInstance) => {
    app.get(
      "/v3/auth/tokens",
      {
        schema: {
          operationId: "keystoneValidateToken",
          tags: ["IAM"],
          summary: "Verify the token in X-Subject-Token and show it",
          response: ok(iamAnswers.token),
        },
        config: { permission: SELF, raises: ["iamTokenNotFound"], errors },
      },
      async (request, reply) => {
        const token = subjectToken(request.headers);
        const claims = await checkToken(context, cache, callerOf(request), token);
        return reply.header("X-Subject-Token", token).send({
          token: {
            expires_at: claims.expiresAt,
            issued_at: claims.issuedAt,
            methods: ["password"],
            user: { id: claims.userId, domain: { id: claims.accountId } },
            project: { id: claims.projectId, domain: { id: claims.accountId } },
          },
        });
      },
    );
    app.delete(
      "/v3/auth/tokens",
      {
        schema: {
          operationId: "keystoneRevokeToken",
          tags: ["IAM"],
          summary: "Revoke the token in X-Subject-Token at once",
          response: noContent,
        },
        config: { permission: SELF, raises: ["iamTokenNotFound"], errors },
      },
      async (request, reply) => {
        await revokeToken(context, cache, callerOf(request), subjectToken(request.headers));
        return reply.code(204).send();
      },
    );
  };
}
