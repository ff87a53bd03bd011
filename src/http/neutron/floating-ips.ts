import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID } from "../../domain/eips/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { allocateEip, listEips, releaseEip, showEip, updateEip } from "../../usecases/eips/eips.js";
import { NEUTRON_FLOATING_IP_ERRORS as ERR } from "../../usecases/eips/errors.js";
import { actingFor } from "../../usecases/neutron/acting-for.js";
import { isOwnNetwork } from "../../usecases/neutron/networks.js";
import { floatingIpBody } from "../eip/mappers.js";
import {
  type CreateFloatingIpBody,
  createFloatingIpSchema,
  type ListFloatingIpsQuery,
  listFloatingIpsQuerySchema,
  type UpdateFloatingIpBody,
  updateFloatingIpSchema,
} from "../eip/schemas.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { listOf } from "../shared/list-query.js";
import { neutronAnswers } from "./answers.js";
import { collectionAnswer } from "./collection.js";
import { namedProject } from "./named-project.js";
import { acceptPythonBooleans, type ShowQuery, selectFields, showQuerySchema } from "./query.js";
import { expectedRevision } from "./revisions.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

/** A floating IP comes from the external network only: a network of the project is not one (400), any other id is not found. */
async function refuseInternalNetwork(context: UseCaseContext, caller: Caller, networkId: string): Promise<never> {
  if (await isOwnNetwork(context, caller, networkId)) {
    fail("neutronBadRequest", `Bad floatingip request: Network ${networkId} is not a valid external network.`);
  }
  return fail("networkNotFound", `External network ${networkId} could not be found.`);
}

/** Neutron `/v2.0/floatingips`: the same EIPs as `/v1/{project_id}/publicips`, from one external network. */
export function neutronFloatingIpRoutes(context: UseCaseContext) {
  const body = (view: Parameters<typeof floatingIpBody>[0]) => floatingIpBody(view, EXTERNAL_NETWORK_ID);
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.post<{ Body: CreateFloatingIpBody }>(
      "/v2.0/floatingips",
      {
        schema: {
          operationId: "neutronCreateFloatingIp",
          tags: ["Neutron"],
          summary: "Allocate a floating IP, optionally associated with a port (and one of its fixed IPs)",
          response: ok(neutronAnswers.floatingip, 201),
          body: createFloatingIpSchema,
        },
        config: {
          permission: act("vpc:floatingIps:create"),
          raises: [
            "networkNotFound",
            "neutronInvalidInput",
            "neutronIpInUse",
            "neutronIpExhausted",
            "portNotFound",
            "neutronFloatingIpPortTaken",
            "neutronExternalGatewayNotFound",
            "neutronBadRequest",
          ],
          errors,
        },
      },
      async (request, reply) => {
        const { floatingip } = request.body;
        const caller = await actingFor(context, callerOf(request), namedProject(floatingip));
        if (floatingip.floating_network_id !== EXTERNAL_NETWORK_ID) {
          await refuseInternalNetwork(context, caller, floatingip.floating_network_id);
        }
        const view = await allocateEip(
          context,
          caller,
          {
            type: "5_bgp",
            alias: "",
            ipAddress: floatingip.floating_ip_address,
            portId: floatingip.port_id ?? undefined,
            fixedIpAddress: floatingip.fixed_ip_address,
            description: floatingip.description,
            bandwidth: { name: "", size: 5, shareType: "PER", chargeMode: "bandwidth" },
          },
          ERR,
        );
        return reply.code(201).send({ floatingip: body(view) });
      },
    );
    app.get<{ Querystring: ListFloatingIpsQuery }>(
      "/v2.0/floatingips",
      {
        schema: {
          operationId: "neutronListFloatingIps",
          tags: ["Neutron"],
          summary: "List floating IPs",
          response: ok(neutronAnswers.floatingips),
          querystring: listFloatingIpsQuerySchema,
        },
        config: { permission: act("vpc:floatingIps:list"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const { query } = request;
        const owner = query.project_id ?? query.tenant_id;
        const impossible =
          (owner !== undefined && owner !== caller.projectId) ||
          (query.floating_network_id !== undefined && query.floating_network_id !== EXTERNAL_NETWORK_ID);
        if (impossible) return { floatingips: [] };
        const views = await listEips(context, caller, {
          ids: listOf(query.id),
          portId: query.port_id,
          publicIpAddress: query.floating_ip_address,
        });
        const matching = views
          .map(body)
          .filter(
            (fip) =>
              (query.fixed_ip_address === undefined || fip.fixed_ip_address === query.fixed_ip_address) &&
              (query.router_id === undefined || fip.router_id === (query.router_id || null)) &&
              (query.status === undefined || fip.status === query.status),
          );
        return collectionAnswer(request, "floatingips", matching, query);
      },
    );
    app.get<{ Params: { id: string }; Querystring: ShowQuery }>(
      "/v2.0/floatingips/:id",
      {
        schema: {
          operationId: "neutronShowFloatingIp",
          tags: ["Neutron"],
          summary: "Show a floating IP",
          response: ok(neutronAnswers.floatingip),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:floatingIps:get"), raises: ["neutronFloatingIpNotFound"], errors },
      },
      async (request) => ({
        floatingip: selectFields(
          body(await showEip(context, callerOf(request), request.params.id, ERR)),
          request.query.fields,
        ),
      }),
    );
    app.put<{ Params: { id: string }; Body: UpdateFloatingIpBody }>(
      "/v2.0/floatingips/:id",
      {
        schema: {
          operationId: "neutronUpdateFloatingIp",
          tags: ["Neutron"],
          summary:
            "Associate a floating IP with a port (moving it), disassociate it (also by an empty body), describe it",
          response: ok(neutronAnswers.floatingip),
          body: updateFloatingIpSchema,
        },
        config: {
          permission: act("vpc:floatingIps:update"),
          raises: [
            "neutronFloatingIpNotFound",
            "portNotFound",
            "neutronFloatingIpPortTaken",
            "neutronExternalGatewayNotFound",
            "neutronInvalidInput",
            "neutronRevisionMismatch",
          ],
          errors,
        },
      },
      async (request) => {
        const { floatingip } = request.body;
        // An empty body clears the association: a floating IP once had no other attribute, and Neutron keeps that.
        const blank = Object.keys(floatingip).length === 0;
        const view = await updateEip(
          context,
          callerOf(request),
          request.params.id,
          {
            portId: blank ? null : floatingip.port_id === undefined ? undefined : floatingip.port_id || null,
            fixedIpAddress: floatingip.fixed_ip_address,
            description: floatingip.description,
          },
          ERR,
          { moveBound: true, expectedRevision: expectedRevision(request) },
        );
        return { floatingip: body(view) };
      },
    );
    app.delete<{ Params: { id: string } }>(
      "/v2.0/floatingips/:id",
      {
        schema: {
          operationId: "neutronDeleteFloatingIp",
          tags: ["Neutron"],
          summary: "Release a floating IP (disassociating it first)",
          response: noContent,
        },
        config: { permission: act("vpc:floatingIps:delete"), raises: ["neutronFloatingIpNotFound"], errors },
      },
      async (request, reply) => {
        await releaseEip(context, callerOf(request), request.params.id, ERR, { refuseBound: false });
        return reply.code(204).send();
      },
    );
  };
}
