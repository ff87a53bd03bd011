import type { FastifyContextConfig, FastifyInstance } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route's stable name (its `schema.operationId`), copied here for what fault rules match. */
    operationId?: string;
  }
  interface FastifyInstance {
    /** Every route as it was registered, with what it declares about itself (HEAD twins of GET routes included). */
    routeCatalog: readonly CatalogedRoute[];
  }
}

export interface CatalogedRoute {
  method: string;
  /** Fastify's form: `/v1/:project_id/vpcs`. */
  url: string;
  /** The name the route declares, or the derived fallback. */
  operationId: string;
  /** Whether `operationId` was declared with the route (a test requires it of every route). */
  named: boolean;
  tags: readonly string[];
  config: FastifyContextConfig;
}

/**
 * A fallback so the server still names a route that declares no `schema.operationId` (`get_v2_0_things_id`); a test
 * fails on any such route, so a new route lands with its own name.
 */
export function derivedOperationId(method: string, url: string): string {
  const words = url
    .split("/")
    .filter((segment) => segment !== "" && segment !== ":project_id")
    .map((segment) => segment.replace(/^:/, "").replace(/[^A-Za-z0-9]+/g, "_"));
  return [method.toLowerCase(), ...words].join("_");
}

/**
 * Records and names every route as it is registered (register this before any route): `app.routeCatalog` is what the
 * permissions table and the route checks read. A HEAD twin shares its GET's options, so a fault rule for an operation
 * covers both. Returns the names, filled in as routes are added.
 */
export function registerRouteCatalog(app: FastifyInstance): ReadonlySet<string> {
  const names = new Set<string>();
  const catalog: CatalogedRoute[] = [];
  app.decorate("routeCatalog", catalog);
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat().map(String);
    const url = route.url ?? route.path;
    const schema = route.schema as { operationId?: string; tags?: string[] } | undefined;
    const operationId =
      schema?.operationId ?? derivedOperationId(methods[0] === "HEAD" ? "GET" : String(methods[0]), url);
    route.config = { ...(route.config ?? {}), operationId };
    names.add(operationId);
    for (const method of methods) {
      catalog.push({
        method,
        url,
        operationId,
        named: schema?.operationId !== undefined,
        tags: schema?.tags ?? [],
        config: route.config,
      });
    }
  });
  return names;
}
