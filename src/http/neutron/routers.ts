import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID } from "../../domain/eips/model.js";
import { routerStatus } from "../../domain/routers/model.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import {
  addRouterInterface,
  createRouter,
  deleteRouter,
  listRouters,
  type RouterInput,
  type RouterInterface,
  type RouterView,
  removeRouterInterface,
  showRouter,
  updateRouter,
} from "../../usecases/neutron/routers.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcTime } from "../vpc/mappers.js";
import { collectionAnswer } from "./collection.js";
import { acceptPythonBooleans, selectFields } from "./query.js";
import { expectedRevision } from "./revisions.js";
import {
  createRouterSchema,
  type ListRoutersQuery,
  listRoutersQuerySchema,
  type RouterBodyInput,
  type RouterInterfaceBody,
  routerInterfaceSchema,
  type ShowQuery,
  showQuerySchema,
  updateRouterSchema,
} from "./router-schemas.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

export function routerBody({ vpc, attributes }: RouterView) {
  return {
    id: vpc.id,
    name: vpc.name,
    description: vpc.description,
    status: routerStatus(vpc.status),
    admin_state_up: true,
    project_id: vpc.projectId,
    tenant_id: vpc.projectId,
    external_gateway_info: attributes.externalGateway
      ? { network_id: EXTERNAL_NETWORK_ID, enable_snat: attributes.enableSnat, external_fixed_ips: [] }
      : null,
    routes: attributes.routes.map((route) => ({ destination: route.destination, nexthop: route.nexthop })),
    availability_zone_hints: [],
    availability_zones: [],
    tags: [],
    revision_number: attributes.revisionNumber,
    created_at: vpcTime(vpc.createdAt),
    updated_at: vpcTime(attributes.updatedAt),
  };
}

function interfaceBody(made: RouterInterface) {
  return {
    id: made.routerId,
    subnet_id: made.subnetId,
    subnet_ids: [made.subnetId],
    port_id: made.portId,
    project_id: made.projectId,
    tenant_id: made.projectId,
  };
}

function routerInput(body: RouterBodyInput["router"]): RouterInput {
  const gateway = body.external_gateway_info;
  return {
    name: body.name,
    description: body.description,
    externalGateway:
      gateway === undefined
        ? undefined
        : gateway === null
          ? null
          : { networkId: gateway.network_id, enableSnat: gateway.enable_snat },
    routes: body.routes,
  };
}

function matches(caller: Caller, query: ListRoutersQuery, body: ReturnType<typeof routerBody>): boolean {
  const owner = query.project_id ?? query.tenant_id;
  const ids = query.id === undefined ? undefined : [query.id].flat();
  return (
    (owner === undefined || owner === caller.projectId) &&
    (ids === undefined || ids.includes(body.id)) &&
    (query.name === undefined || body.name === query.name) &&
    (query.description === undefined || body.description === query.description) &&
    (query.status === undefined || body.status === query.status) &&
    (query.admin_state_up === undefined || body.admin_state_up === query.admin_state_up)
  );
}

/** Neutron `/v2.0/routers`: every VPC of the project is a router, and a router made here is a VPC. */
export function neutronRouterRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.post<{ Body: RouterBodyInput }>(
      "/v2.0/routers",
      { schema: { body: createRouterSchema }, config: { errors } },
      async (request, reply) => {
        const created = await createRouter(context, callerOf(request), routerInput(request.body.router));
        return reply.code(201).send({ router: routerBody(created) });
      },
    );
    app.get<{ Querystring: ListRoutersQuery }>(
      "/v2.0/routers",
      { schema: { querystring: listRoutersQuerySchema }, config: { errors } },
      async (request) => {
        const caller = callerOf(request);
        const bodies = (await listRouters(context, caller)).map(routerBody);
        const matching = bodies.filter((body) => matches(caller, request.query, body));
        return collectionAnswer(request, "routers", matching, request.query);
      },
    );
    app.get<{ Params: { router_id: string }; Querystring: ShowQuery }>(
      "/v2.0/routers/:router_id",
      { schema: { querystring: showQuerySchema }, config: { errors } },
      async (request) => ({
        router: selectFields(
          routerBody(await showRouter(context, callerOf(request), request.params.router_id)),
          request.query.fields,
        ),
      }),
    );
    app.put<{ Params: { router_id: string }; Body: RouterBodyInput }>(
      "/v2.0/routers/:router_id",
      { schema: { body: updateRouterSchema }, config: { errors } },
      async (request) => {
        const updated = await updateRouter(
          context,
          callerOf(request),
          request.params.router_id,
          routerInput(request.body.router),
          expectedRevision(request),
        );
        return { router: routerBody(updated) };
      },
    );
    app.delete<{ Params: { router_id: string } }>(
      "/v2.0/routers/:router_id",
      { config: { errors } },
      async (request, reply) => {
        await deleteRouter(context, callerOf(request), request.params.router_id);
        return reply.code(204).send();
      },
    );
    app.put<{ Params: { router_id: string }; Body: RouterInterfaceBody }>(
      "/v2.0/routers/:router_id/add_router_interface",
      { schema: { body: routerInterfaceSchema }, config: { errors } },
      async (request) => {
        const made = await addRouterInterface(context, callerOf(request), request.params.router_id, {
          subnetId: request.body.subnet_id,
          portId: request.body.port_id,
        });
        return interfaceBody(made);
      },
    );
    app.put<{ Params: { router_id: string }; Body: RouterInterfaceBody }>(
      "/v2.0/routers/:router_id/remove_router_interface",
      { schema: { body: routerInterfaceSchema }, config: { errors } },
      async (request) => {
        const removed = await removeRouterInterface(context, callerOf(request), request.params.router_id, {
          subnetId: request.body.subnet_id,
          portId: request.body.port_id,
        });
        return interfaceBody(removed);
      },
    );
  };
}
