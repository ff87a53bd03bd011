import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID } from "../../domain/eips/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { allocateEip, listEips, releaseEip, showEip, updateEip } from "../../usecases/eips/eips.js";
import { NEUTRON_FLOATING_IP_ERRORS as ERR } from "../../usecases/eips/errors.js";
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

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

/** Neutron `/v2.0/floatingips`: the same EIPs as `/v1/{project_id}/publicips`, from one external network. */
export function neutronFloatingIpRoutes(context: UseCaseContext) {
  const body = (view: Parameters<typeof floatingIpBody>[0]) => floatingIpBody(view, EXTERNAL_NETWORK_ID);
  return async (app: FastifyInstance) => {
    app.post<{ Body: CreateFloatingIpBody }>(
      "/v2.0/floatingips",
      {
        schema: {
          operationId: "neutronCreateFloatingIp",
          tags: ["Neutron"],
          summary: "Allocate a floating IP, optionally associated with a port",
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
          ],
          errors,
        },
      },
      async (request, reply) => {
        const { floatingip } = request.body;
        if (floatingip.floating_network_id !== EXTERNAL_NETWORK_ID) {
          fail("networkNotFound", `External network ${floatingip.floating_network_id} could not be found.`);
        }
        const view = await allocateEip(
          context,
          callerOf(request),
          {
            type: "5_bgp",
            alias: "",
            ipAddress: floatingip.floating_ip_address,
            portId: floatingip.port_id ?? undefined,
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
          (query.floating_network_id !== undefined && query.floating_network_id !== EXTERNAL_NETWORK_ID) ||
          (query.router_id !== undefined && query.router_id !== "");
        if (impossible) return { floatingips: [] };
        const views = await listEips(context, caller, {
          ids: listOf(query.id),
          portId: query.port_id,
          publicIpAddress: query.floating_ip_address,
          page: query.limit ? { limit: query.limit, marker: query.marker } : undefined,
        });
        const fixed = query.fixed_ip_address;
        const matching = fixed === undefined ? views : views.filter((view) => body(view).fixed_ip_address === fixed);
        return { floatingips: matching.map(body) };
      },
    );
    app.get<{ Params: { id: string } }>(
      "/v2.0/floatingips/:id",
      {
        schema: {
          operationId: "neutronShowFloatingIp",
          tags: ["Neutron"],
          summary: "Show a floating IP",
          response: ok(neutronAnswers.floatingip),
        },
        config: { permission: act("vpc:floatingIps:get"), raises: ["neutronFloatingIpNotFound"], errors },
      },
      async (request) => ({
        floatingip: body(await showEip(context, callerOf(request), request.params.id, ERR)),
      }),
    );
    app.put<{ Params: { id: string }; Body: UpdateFloatingIpBody }>(
      "/v2.0/floatingips/:id",
      {
        schema: {
          operationId: "neutronUpdateFloatingIp",
          tags: ["Neutron"],
          summary: "Associate a floating IP with a port (moving it), or disassociate it",
          response: ok(neutronAnswers.floatingip),
          body: updateFloatingIpSchema,
        },
        config: {
          permission: act("vpc:floatingIps:update"),
          raises: ["neutronFloatingIpNotFound", "portNotFound", "neutronFloatingIpPortTaken"],
          errors,
        },
      },
      async (request) => {
        const { floatingip } = request.body;
        const view = await updateEip(
          context,
          callerOf(request),
          request.params.id,
          { portId: floatingip.port_id === undefined ? undefined : floatingip.port_id || null },
          ERR,
          { moveBound: true },
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
