import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID } from "../../domain/eips/model.js";
import { routerStatus } from "../../domain/routers/model.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { actingFor } from "../../usecases/neutron/acting-for.js";
import {
  addRouterInterface,
  changeRouterRoutes,
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
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcTime } from "../shared/vpc-time.js";
import { neutronAnswers } from "./answers.js";
import { collectionAnswer } from "./collection.js";
import { namedProject } from "./named-project.js";
import { acceptPythonBooleans, type ShowQuery, selectFields, showQuerySchema } from "./query.js";
import { expectedRevision } from "./revisions.js";
import {
  createRouterSchema,
  type ListRoutersQuery,
  listRoutersQuerySchema,
  type RouterBodyInput,
  type RouterInterfaceBody,
  type RouterRoutesBody,
  routerInterfaceSchema,
  routerRoutesSchema,
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
      {
        schema: {
          operationId: "neutronCreateRouter",
          tags: ["Neutron"],
          summary: "Create a router (a VPC without a CIDR)",
          response: ok(neutronAnswers.router, 201),
          body: createRouterSchema,
        },
        config: {
          permission: act("vpc:routers:create"),
          raises: ["neutronBadRequest", "networkNotFound", "neutronOverQuota"],
          errors,
        },
      },
      async (request, reply) => {
        const { router } = request.body;
        const caller = await actingFor(context, callerOf(request), namedProject(router));
        const created = await createRouter(context, caller, routerInput(router));
        return reply.code(201).send({ router: routerBody(created) });
      },
    );
    app.get<{ Querystring: ListRoutersQuery }>(
      "/v2.0/routers",
      {
        schema: {
          operationId: "neutronListRouters",
          tags: ["Neutron"],
          summary: "List routers (every VPC of the project)",
          response: ok(neutronAnswers.routers),
          querystring: listRoutersQuerySchema,
        },
        config: { permission: act("vpc:routers:list"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const bodies = (await listRouters(context, caller)).map(routerBody);
        const matching = bodies.filter((body) => matches(caller, request.query, body));
        return collectionAnswer(request, "routers", matching, request.query);
      },
    );
    app.get<{ Params: { router_id: string }; Querystring: ShowQuery }>(
      "/v2.0/routers/:router_id",
      {
        schema: {
          operationId: "neutronShowRouter",
          tags: ["Neutron"],
          summary: "Show a router",
          response: ok(neutronAnswers.router),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:routers:get"), raises: ["neutronRouterNotFound"], errors },
      },
      async (request) => ({
        router: selectFields(
          routerBody(await showRouter(context, callerOf(request), request.params.router_id)),
          request.query.fields,
        ),
      }),
    );
    app.put<{ Params: { router_id: string }; Body: RouterBodyInput }>(
      "/v2.0/routers/:router_id",
      {
        schema: {
          operationId: "neutronUpdateRouter",
          tags: ["Neutron"],
          summary: "Update a router's name, description, external gateway or static routes",
          response: ok(neutronAnswers.router),
          body: updateRouterSchema,
        },
        config: {
          permission: act("vpc:routers:update"),
          raises: ["neutronRouterNotFound", "neutronBadRequest", "networkNotFound", "neutronRevisionMismatch"],
          errors,
        },
      },
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
      {
        schema: {
          operationId: "neutronDeleteRouter",
          tags: ["Neutron"],
          summary: "Delete a router without subnets",
          response: noContent,
        },
        config: {
          permission: act("vpc:routers:delete"),
          raises: ["neutronRouterNotFound", "neutronRouterInUse"],
          errors,
        },
      },
      async (request, reply) => {
        await deleteRouter(context, callerOf(request), request.params.router_id);
        return reply.code(204).send();
      },
    );
    for (const change of ["add", "remove"] as const) {
      app.put<{ Params: { router_id: string }; Body: RouterRoutesBody }>(
        `/v2.0/routers/:router_id/${change}_extraroutes`,
        {
          schema: {
            operationId: change === "add" ? "neutronAddExtraRoutes" : "neutronRemoveExtraRoutes",
            tags: ["Neutron"],
            summary:
              change === "add"
                ? "Add static routes to a router's, in one step (extraroute-atomic)"
                : "Remove static routes from a router's, in one step (extraroute-atomic)",
            response: ok(neutronAnswers.router),
            body: routerRoutesSchema,
          },
          config: {
            permission: act("vpc:routers:update"),
            raises: ["neutronRouterNotFound", "neutronBadRequest"],
            errors,
          },
        },
        async (request) => {
          const { router_id: id } = request.params;
          const changed = await changeRouterRoutes(context, callerOf(request), id, request.body.router.routes, change);
          return { router: routerBody(changed) };
        },
      );
    }
    app.put<{ Params: { router_id: string }; Body: RouterInterfaceBody }>(
      "/v2.0/routers/:router_id/add_router_interface",
      {
        schema: {
          operationId: "neutronAddRouterInterface",
          tags: ["Neutron"],
          summary: "Put a subnet on a router, by the subnet (its gateway) or by a port",
          response: ok(neutronAnswers.routerInterface),
          body: routerInterfaceSchema,
        },
        config: {
          permission: act("vpc:routers:addRouterInterface"),
          raises: [
            "neutronRouterNotFound",
            "neutronSubnetNotFound",
            "portNotFound",
            "neutronBadRequest",
            "neutronPortInUse",
          ],
          errors,
        },
      },
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
      {
        schema: {
          operationId: "neutronRemoveRouterInterface",
          tags: ["Neutron"],
          summary: "Take a subnet off a router (an interface made from a port goes with its port)",
          response: ok(neutronAnswers.routerInterface),
          body: routerInterfaceSchema,
        },
        config: {
          permission: act("vpc:routers:removeRouterInterface"),
          raises: [
            "neutronRouterNotFound",
            "neutronSubnetNotFound",
            "portNotFound",
            "neutronRouterInterfaceNotFound",
            "neutronBadRequest",
          ],
          errors,
        },
      },
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
