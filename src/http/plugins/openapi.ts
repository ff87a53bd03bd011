import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance, RouteOptions } from "fastify";
import type { ErrorId } from "../../errors/registry.js";
import { empty, ok, textAnswer } from "../openapi/answers.js";
import { docsPage } from "../openapi/docs-page.js";
import { envelopeSchema, errorResponses } from "../openapi/error-responses.js";
import { deniedErrorOf, isPublic, PUBLIC, permissionOf } from "../permission.js";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Every registry error a route can answer: its use case's, its service's edge errors, and the gateway's. */
export function routeErrorIds(method: string, url: string, config: RouteOptions["config"]): ErrorId[] {
  const ids = new Set<ErrorId>(config?.raises ?? []);
  const errors = config?.errors;
  ids.add("malformedRequest");
  ids.add("requestTooLarge");
  ids.add("throttled");
  if (!isPublic(config)) ids.add("authenticationFailed");
  const permission = permissionOf(config);
  if (permission.kind !== "public" && permission.kind !== "self") ids.add(deniedErrorOf(config));
  if (errors) {
    ids.add(errors.invalid);
    ids.add(errors.internal);
    ids.add(errors.busy);
    if (errors.blank && BODY_METHODS.has(method)) ids.add(errors.blank);
    if (errors.projectMismatch && url.includes(":project_id")) ids.add(errors.projectMismatch);
  } else {
    ids.add("gatewayInternal");
  }
  return [...ids];
}

/**
 * `GET /openapi.json` and `GET /docs`: the document is built by @fastify/swagger from what each route declares where
 * it is registered (its validating schemas, `operationId`, summary, tags and successful answers); this adds the error
 * answers its config implies. Register before any route (it collects them as they are added).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  // `schema.response` documents the answers; they are sent as the mappers build them, never trimmed to the schema.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ecs-vip",
        version,
        description:
          "Huawei Cloud / Open Telekom Cloud ECS virtual-IP binding with the IAM, VPC v1, Neutron v2.0 and ECS " +
          "routes around it, plus ecs-vip's own operations and fault-injection endpoints.",
      },
      components: {
        securitySchemes: {
          token: { type: "apiKey", in: "header", name: "X-Auth-Token", description: "IAM token" },
          aksk: {
            type: "apiKey",
            in: "header",
            name: "Authorization",
            description: "SDK-HMAC-SHA256 signature with X-Sdk-Date, as the official SDKs sign",
          },
        },
        responses: {
          RouteNotFound: {
            description: "Any path or method no route answers",
            content: { "application/json": { schema: envelopeSchema("apigw", ["APIGW.0101"]) } },
          },
        },
      },
      security: [{ token: [] }, { aksk: [] }],
    },
    transform: ({ schema, url, route }) => {
      const method = String(route.method);
      return {
        url,
        schema: {
          ...(schema ?? {}),
          ...(isPublic(route.config) ? { security: [] } : {}),
          response: { ...errorResponses(routeErrorIds(method, url, route.config)), ...(schema?.response ?? {}) },
        },
      };
    },
  });
  const gatewayErrors = { invalid: "malformedRequest", internal: "gatewayInternal", busy: "gatewayInternal" } as const;
  app.get(
    "/openapi.json",
    {
      schema: {
        operationId: "showOpenApiDocument",
        tags: ["Operations"],
        summary: "This document",
        response: ok(empty),
      },
      config: { permission: PUBLIC, errors: gatewayErrors },
    },
    async () => app.swagger(),
  );
  let page: string | undefined;
  app.get(
    "/docs",
    {
      schema: {
        operationId: "showDocs",
        tags: ["Operations"],
        summary: "This document as an HTML page",
        response: textAnswer("text/html"),
      },
      config: { permission: PUBLIC, errors: gatewayErrors },
    },
    async (_request, reply) => {
      page ??= docsPage(app.swagger() as Record<string, unknown>);
      return reply.type("text/html; charset=utf-8").send(page);
    },
  );
}
