import type { FastifyInstance } from "fastify";
import type { Account } from "../../domain/model.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { ownDomain } from "../../usecases/iam/domains.js";
import { baseUrlOf } from "../base-url.js";
import { ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { sendError } from "../plugins/error-handler.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { iamAnswers } from "./answers.js";

const errors: RouteErrors = { invalid: "iamInvalidRequest", internal: "iamInternal", busy: "iamInternal" };

function domainBody(account: Account, baseUrl: string) {
  return {
    id: account.id,
    name: account.name,
    description: "",
    enabled: true,
    tags: [],
    options: {},
    links: { self: `${baseUrl}/v3/domains/${account.id}` },
  };
}

export const listDomainsQuerySchema = {
  type: "object",
  properties: { name: { type: "string", maxLength: 255 }, enabled: { type: "boolean" } },
} as const;

/** Keystone's domain look-ups (`GET /v3/domains?name=default`, `GET /v3/domains/{id}`): the caller's account. */
export function domainRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { name?: string; enabled?: boolean } }>(
      "/v3/domains",
      {
        schema: {
          operationId: "keystoneListDomains",
          tags: ["IAM"],
          summary: "Look a domain (the caller's account) up by name",
          response: ok(iamAnswers.domains),
          querystring: listDomainsQuerySchema,
        },
        config: { permission: act("iam:domains:listDomains"), errors },
      },
      async (request) => {
        const baseUrl = baseUrlOf(request);
        const account = await ownDomain(context, callerOf(request));
        const { name, enabled } = request.query;
        const shown = account && (name === undefined || name === account.name) && enabled !== false;
        return {
          domains: shown ? [domainBody(account, baseUrl)] : [],
          links: { self: `${baseUrl}/v3/domains`, previous: null, next: null },
        };
      },
    );
    app.get<{ Params: { domain_id: string } }>(
      "/v3/domains/:domain_id",
      {
        schema: {
          operationId: "keystoneShowDomain",
          tags: ["IAM"],
          summary: "Show the caller's domain (its account)",
          response: ok(iamAnswers.domain),
        },
        config: { permission: act("iam:domains:getDomain"), raises: ["iamDomainNotFound"], errors },
      },
      async (request, reply) => {
        const account = await ownDomain(context, callerOf(request));
        if (!account || account.id !== request.params.domain_id) {
          return sendError(reply, "iamDomainNotFound", `Could not find domain: ${request.params.domain_id}.`);
        }
        return { domain: domainBody(account, baseUrlOf(request)) };
      },
    );
  };
}
