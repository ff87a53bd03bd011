import type { FastifyInstance } from "fastify";

import type { UseCaseContext } from "../../usecases/context.js";
import { listNetworks, type NetworkView, showNetwork } from "../../usecases/neutron/networks.js";
import { sendError } from "../plugins/error-handler.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcTime } from "../vpc/mappers.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

function networkBody({ network, subnets }: NetworkView) {
  return {
    id: network.id,
    name: network.name,
    description: network.description,
    status: network.status,
    admin_state_up: network.adminStateUp,
    shared: false,
    "router:external": false,
    mtu: 1500,
    subnets: subnets.map((subnet) => subnet.neutronSubnetId),
    project_id: network.projectId,
    tenant_id: network.projectId,
    availability_zones: [...new Set(subnets.map((subnet) => subnet.availabilityZone))],
    revision_number: network.revisionNumber,
    created_at: vpcTime(network.createdAt),
    updated_at: vpcTime(network.updatedAt),
  };
}

/** Just enough of Neutron's networks and extensions for the stock OpenStack client to create ports. */
export function neutronNetworkRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { network_id: string } }>(
      "/v2.0/networks/:network_id",
      { config: { errors } },
      async (request) => ({
        network: networkBody(await showNetwork(context, callerOf(request), request.params.network_id)),
      }),
    );
    app.get<{ Querystring: { name?: string } }>(
      "/v2.0/networks",
      { schema: { querystring: { type: "object", properties: { name: { type: "string" } } } }, config: { errors } },
      async (request) => ({
        networks: (await listNetworks(context, callerOf(request), { name: request.query.name })).map(networkBody),
      }),
    );
    app.get("/v2.0/extensions", { config: { errors } }, async () => ({ extensions: [] }));
    app.get<{ Params: { alias: string } }>("/v2.0/extensions/:alias", { config: { errors } }, async (request, reply) =>
      sendError(reply, "neutronExtensionNotFound", `Extension with alias ${request.params.alias} does not exist.`),
    );
  };
}
