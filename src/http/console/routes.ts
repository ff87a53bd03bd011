import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { projectTopology } from "../../usecases/console/topology.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { ok, textAnswer } from "../openapi/answers.js";
import { act, PUBLIC } from "../permission.js";
import { sendError } from "../plugins/error-handler.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { consoleAnswers } from "./answers.js";
import { readAsset } from "./assets.js";
import { registerChangeEvents } from "./change-events.js";

const errors: RouteErrors = { invalid: "malformedRequest", internal: "gatewayInternal", busy: "gatewayInternal" };

/** Same origin only, nothing inline, nothing from outside: the page works offline and cannot be framed. */
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

async function sendAsset(reply: FastifyReply, name: string): Promise<FastifyReply> {
  const asset = await readAsset(name);
  if (!asset) {
    return sendError(
      reply,
      "routeNotFound",
      name === "index.html" ? "The web console is not built: run npm run build." : undefined,
    );
  }
  return reply.headers(PAGE_HEADERS).type(asset.type).send(asset.body);
}

/** An entity tag for a JSON body, so a poll that finds nothing new costs a 304 and no parsing in the page. */
function entityTag(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
}

/**
 * The web console: the page and its assets (public), and the topology it draws (authenticated like every API call,
 * with the X-Auth-Token the page obtained from POST /v3/auth/tokens) and the event stream that says when to draw it
 * again. Binding and unbinding go through the API itself.
 */
export function consoleRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get(
      "/console",
      {
        schema: {
          operationId: "showConsole",
          tags: ["Console"],
          summary: "The web console's page",
          response: textAnswer("text/html"),
        },
        config: { permission: PUBLIC, raises: ["routeNotFound"], errors },
      },
      (_request, reply) => sendAsset(reply, "index.html"),
    );
    app.get<{ Params: { name: string } }>(
      "/console/assets/:name",
      {
        schema: {
          operationId: "showConsoleAsset",
          tags: ["Console"],
          summary: "A file of the web console",
          response: textAnswer("*/*"),
        },
        config: { permission: PUBLIC, raises: ["routeNotFound"], errors },
      },
      (request, reply) => sendAsset(reply, request.params.name),
    );

    app.get(
      "/console/api/topology",
      {
        schema: {
          operationId: "showConsoleTopology",
          tags: ["Console"],
          summary: "The project's VPCs, subnets, servers, VIPs and bindings, for the console (ETag, 304)",
          response: ok(consoleAnswers.topology),
        },
        // The console draws the project's networks and servers: both reads (chosen).
        config: { permission: act("vpc:vpcs:list", "ecs:cloudServers:list"), errors },
      },
      async (request, reply) => {
        const body = JSON.stringify(await projectTopology(context, callerOf(request)));
        const tag = entityTag(body);
        reply.header("ETag", tag).header("Cache-Control", "no-cache, private");
        if (request.headers["if-none-match"] === tag) return reply.code(304).send();
        return reply.type("application/json").send(body);
      },
    );

    registerChangeEvents(app, () => context.store.changes, errors);
  };
}
