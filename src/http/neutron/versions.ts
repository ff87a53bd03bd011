import type { FastifyInstance } from "fastify";
import { baseUrlOf } from "../base-url.js";
import { ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import type { RouteErrors } from "../request-context.js";
import { neutronAnswers } from "./answers.js";

/** Listing Neutron's resources reads nothing of the project: the same action as listing its extensions. */
const PUBLIC_TO_CALLERS = act("vpc:extensions:list");

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
    app.get(
      "/v2.0",
      {
        schema: {
          operationId: "neutronShowVersion",
          tags: ["Neutron"],
          summary: "The resources of Neutron v2.0",
          response: ok(neutronAnswers.resources),
        },
        config: { permission: PUBLIC_TO_CALLERS, errors },
      },
      async (request) => ({
        resources: RESOURCES.map(([name, collection]) => ({
          name,
          collection,
          links: [{ rel: "self", href: `${baseUrlOf(request)}/v2.0/${collection}` }],
        })),
      }),
    );
  };
}
