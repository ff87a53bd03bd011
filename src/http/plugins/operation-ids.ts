import type { FastifyInstance } from "fastify";
import { operationIdOf } from "../openapi/operations.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route's stable name: its OpenAPI `operationId`, and what fault rules match. */
    operationId?: string;
  }
}

/**
 * Names every route as it is registered (register this before any route). A HEAD twin shares its GET's name, so a
 * fault rule for an operation covers both.
 */
export function registerOperationIds(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    const method = Array.isArray(route.method) ? String(route.method[0]) : route.method;
    const operationId = operationIdOf(method === "HEAD" ? "GET" : method, route.url ?? route.path);
    route.config = { ...(route.config ?? {}), operationId };
  });
}
