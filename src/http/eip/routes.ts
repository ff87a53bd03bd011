import type { FastifyInstance } from "fastify";
import type { UseCaseContext } from "../../usecases/context.js";
import { allocateEip, listEips, releaseEip, showEip, updateEip } from "../../usecases/eips/eips.js";
import { VPC_EIP_ERRORS as ERR } from "../../usecases/eips/errors.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { eipAnswers } from "./answers.js";
import { publicIpBody } from "./mappers.js";
import {
  type AllocatePublicIpBody,
  allocatePublicIpSchema,
  type ListPublicIpsQuery,
  listPublicIpsQuerySchema,
  type UpdatePublicIpBody,
  updatePublicIpSchema,
} from "./schemas.js";

const errors: RouteErrors = {
  invalid: "eipInvalidParameter",
  projectMismatch: "vpcProjectMismatch",
  internal: "eipInternal",
  busy: "eipBusy",
};
const DEFAULT_LIMIT = 2000;

type ProjectParams = { project_id: string };

/** VPC v1 EIPs: `/v1/{project_id}/publicips`. */
export function eipRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: AllocatePublicIpBody }>(
      "/v1/:project_id/publicips",
      {
        schema: {
          operationId: "createPublicip",
          tags: ["EIP"],
          summary: "Assign an EIP from the pool, given or automatic, optionally bound to a port",
          response: ok(eipAnswers.publicip),
          body: allocatePublicIpSchema,
        },
        config: {
          permission: act("vpc:publicIps:create"),
          raises: ["eipAddressInUse", "eipPoolExhausted", "eipPortHasEip"],
          errors,
        },
      },
      async (request) => {
        const { publicip, bandwidth } = request.body;
        const view = await allocateEip(
          context,
          callerOf(request),
          {
            type: publicip.type,
            alias: publicip.alias ?? "",
            ipAddress: publicip.ip_address || undefined,
            portId: publicip.port_id || undefined,
            bandwidth: {
              name: bandwidth.name,
              size: bandwidth.size,
              shareType: bandwidth.share_type,
              chargeMode: bandwidth.charge_mode ?? "bandwidth",
            },
          },
          ERR,
        );
        return { publicip: publicIpBody(view) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: ListPublicIpsQuery }>(
      "/v1/:project_id/publicips",
      {
        schema: {
          operationId: "listPublicips",
          tags: ["EIP"],
          summary: "List EIPs",
          response: ok(eipAnswers.publicips),
          querystring: listPublicIpsQuerySchema,
        },
        config: { permission: act("vpc:publicIps:list"), errors },
      },
      async (request) => {
        const page = { limit: request.query.limit || DEFAULT_LIMIT, marker: request.query.marker };
        const views = await listEips(context, callerOf(request), { page });
        return { publicips: views.map(publicIpBody) };
      },
    );
    app.get<{ Params: ProjectParams & { publicip_id: string } }>(
      "/v1/:project_id/publicips/:publicip_id",
      {
        schema: {
          operationId: "showPublicip",
          tags: ["EIP"],
          summary: "Show an EIP",
          response: ok(eipAnswers.publicip),
        },
        config: { permission: act("vpc:publicIps:get"), raises: ["eipNotFound"], errors },
      },
      async (request) => ({
        publicip: publicIpBody(await showEip(context, callerOf(request), request.params.publicip_id, ERR)),
      }),
    );
    // The reference: a missing or blank port_id unbinds; a bound EIP must be unbound before it moves.
    app.put<{ Params: ProjectParams & { publicip_id: string }; Body: UpdatePublicIpBody }>(
      "/v1/:project_id/publicips/:publicip_id",
      {
        schema: {
          operationId: "updatePublicip",
          tags: ["EIP"],
          summary: "Bind an EIP to a port, unbind it, or rename it",
          response: ok(eipAnswers.publicip),
          body: updatePublicIpSchema,
        },
        config: {
          permission: act("vpc:publicIps:update"),
          raises: ["eipNotFound", "eipAlreadyBound", "eipPortHasEip"],
          errors,
        },
      },
      async (request) => {
        const { publicip } = request.body;
        const view = await updateEip(
          context,
          callerOf(request),
          request.params.publicip_id,
          { portId: publicip.port_id || null, alias: publicip.alias },
          ERR,
          { moveBound: false },
        );
        return { publicip: publicIpBody(view) };
      },
    );
    app.delete<{ Params: ProjectParams & { publicip_id: string } }>(
      "/v1/:project_id/publicips/:publicip_id",
      {
        schema: {
          operationId: "deletePublicip",
          tags: ["EIP"],
          summary: "Release an unbound EIP",
          response: noContent,
        },
        config: { permission: act("vpc:publicIps:delete"), raises: ["eipNotFound", "eipBoundNotReleasable"], errors },
      },
      async (request, reply) => {
        await releaseEip(context, callerOf(request), request.params.publicip_id, ERR, { refuseBound: true });
        return reply.code(204).send();
      },
    );
  };
}
