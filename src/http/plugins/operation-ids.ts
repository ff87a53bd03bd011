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
 * fault rule for an operation covers both. Returns the names, filled in as routes are added.
 */
export function registerOperationIds(app: FastifyInstance): ReadonlySet<string> {
  const names = new Set<string>();
  app.addHook("onRoute", (route) => {
    const method = Array.isArray(route.method) ? String(route.method[0]) : route.method;
    const operationId = operationIdOf(method === "HEAD" ? "GET" : method, route.url ?? route.path);
    route.config = { ...(route.config ?? {}), operationId };
    names.add(operationId);
  });
  return names;
}
