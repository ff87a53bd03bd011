import type { FastifyInstance } from "fastify";
import { baseUrlOf } from "../base-url.js";
import type { RouteErrors } from "../request-context.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

/** Neutron's version list, as `GET /` on its endpoint answers it (200, one version). */
export function neutronVersions(baseUrl: string) {
  return {
    versions: [{ id: "v2.0", status: "CURRENT", links: [{ rel: "self", href: `${baseUrl}/v2.0/` }] }],
  };
}

const RESOURCES = [
  ["network", "networks"],
  ["subnet", "subnets"],
  ["port", "ports"],
  ["router", "routers"],
  ["floatingip", "floatingips"],
  ["security_group", "security-groups"],
  ["security_group_rule", "security-group-rules"],
] as const;

/** `GET /v2.0/`: the resources of the version, each with a link to its collection. */
export function neutronVersionRoutes() {
  return async (app: FastifyInstance) => {
    // The server ignores trailing slashes: this is `/v2.0/` too.
    app.get("/v2.0", { config: { errors } }, async (request) => ({
      resources: RESOURCES.map(([name, collection]) => ({
        name,
        collection,
        links: [{ rel: "self", href: `${baseUrlOf(request)}/v2.0/${collection}` }],
      })),
    }));
  };
}
