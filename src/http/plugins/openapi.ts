import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance, RouteOptions } from "fastify";
import type { ErrorId } from "../../errors/registry.js";
import { docsPage } from "../openapi/docs-page.js";
import { envelopeSchema, errorResponses } from "../openapi/error-responses.js";
import { operationDoc } from "../openapi/operations.js";
import { deniedErrorOf, permissionOf } from "../openapi/permissions.js";
import { RESPONSES } from "../openapi/response-shapes.js";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Every registry error a route can answer: its use case's, its service's edge errors, and the gateway's. */
export function routeErrorIds(method: string, url: string, config: RouteOptions["config"]): ErrorId[] {
  const ids = new Set<ErrorId>(operationDoc(method, url)?.errors ?? []);
  const errors = config?.errors;
  ids.add("malformedRequest");
  ids.add("requestTooLarge");
  ids.add("throttled");
  if (!config?.public) ids.add("authenticationFailed");
  const permission = permissionOf(method, url);
  if (!config?.public && permission?.kind !== "public" && permission?.kind !== "self") ids.add(deniedErrorOf(config));
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

function successResponse(method: string, url: string): Record<string, unknown> {
  const doc = operationDoc(method, url);
  const status = String(doc?.status ?? 200);
  const shape = RESPONSES[doc?.response ?? "empty"];
  if (status === "204") return { [status]: { type: "null", description: "No content" } };
  if (doc?.response === "text") {
    const type = doc.contentType ?? "text/plain";
    return { [status]: { description: "OK", content: { [type]: { schema: shape } } } };
  }
  return { [status]: { description: "OK", ...shape } };
}

/**
 * `GET /openapi.json` and `GET /docs`: the document is built by @fastify/swagger from the same route schemas Fastify
 * validates requests with; this adds the names, answers and error codes each route declares elsewhere.
 * Register before any route (it collects them as they are added).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
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
      const doc = operationDoc(method, url);
      const responses = {
        ...errorResponses(routeErrorIds(method, url, route.config)),
        ...successResponse(method, url),
      };
      return {
        url,
        schema: {
          ...(schema ?? {}),
          operationId: route.config?.operationId,
          tags: [doc?.tag ?? "Other"],
          ...(doc ? { summary: doc.summary } : {}),
          ...(route.config?.public ? { security: [] } : {}),
          response: responses,
        },
      };
    },
  });
  const gatewayErrors = { invalid: "malformedRequest", internal: "gatewayInternal", busy: "gatewayInternal" } as const;
  app.get("/openapi.json", { config: { public: true, errors: gatewayErrors } }, async () => app.swagger());
  let page: string | undefined;
  app.get("/docs", { config: { public: true, errors: gatewayErrors } }, async (_request, reply) => {
    page ??= docsPage(app.swagger() as Record<string, unknown>);
    return reply.type("text/html; charset=utf-8").send(page);
  });
}
