import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isStrongAdminPass, isValidServerDescription } from "../../domain/ecs/admin-pass.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { fail } from "../../errors/cloud-error.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { showJob } from "../../usecases/ecs/jobs.js";
import { addServerNics, deleteServerNics, listServerNics } from "../../usecases/ecs/nics.js";
import { changePower } from "../../usecases/ecs/power.js";
import { createServers, deleteServers, listServers, showServer } from "../../usecases/ecs/servers.js";
import { type NicVipRequest, updateNicVip } from "../../usecases/ecs/update-nic-vip.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { interfaceBody, jobBody, serverBody } from "./mappers.js";
import {
  type AddNicsBody,
  addNicsSchema,
  type CreateServersBody,
  createServersSchema,
  deleteNicsSchema,
  deleteServersSchema,
  type IdListBody,
  type ListServersQuery,
  listServersQuerySchema,
  type NicVipBody,
  nicVipSchema,
  type ServerActionBody,
  serverActionSchema,
} from "./schemas.js";

const errors: RouteErrors = {
  invalid: "ecsInvalidParameter",
  blank: "ecsBodyBlank",
  projectMismatch: "ecsProjectMismatch",
  internal: "ecsInternal",
  busy: "ecsInternal",
};

/** Both fields set: bind. Both blank: unbind. Anything else is not a request the cloud understands. */
function nicVipRequest(body: NicVipBody): NicVipRequest {
  const { subnet_id: subnetId, ip_address: ipAddress, reverse_binding: reverseBinding } = body.nic;
  if (subnetId === "" && ipAddress === "") return { kind: "unbind" };
  if (subnetId === "" || ipAddress === "") {
    fail("ecsInvalidParameter", "subnet_id and ip_address must both be set to bind, or both be empty to unbind.");
  }
  if (!isIpv4(ipAddress)) fail("ecsInvalidParameter", `ip_address ${ipAddress} is not a valid IPv4 address.`);
  return { kind: "bind", subnetId, ipAddress, reverseBinding: reverseBinding ?? false };
}

function nicInputs(nics: { subnet_id: string; ip_address?: string; security_groups?: { id: string }[] }[]) {
  return nics.map((nic) => {
    const ipAddress = nic.ip_address === "" ? undefined : nic.ip_address;
    if (ipAddress !== undefined && !isIpv4(ipAddress)) {
      fail("ecsInvalidParameter", `ip_address ${ipAddress} is not a valid IPv4 address.`);
    }
    return { subnetId: nic.subnet_id, ipAddress, securityGroups: nic.security_groups?.map((group) => group.id) };
  });
}

type ProjectParams = { project_id: string };

export function ecsRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.put<{ Params: ProjectParams & { nic_id: string }; Body: NicVipBody }>(
      "/v1/:project_id/cloudservers/nics/:nic_id",
      { schema: { body: nicVipSchema }, config: { errors } },
      async (request) => {
        const result = await updateNicVip(
          context,
          callerOf(request),
          request.params.nic_id,
          nicVipRequest(request.body),
        );
        return { port_id: result.portId };
      },
    );

    const create = async (request: FastifyRequest<{ Body: CreateServersBody }>, reply: FastifyReply) => {
      const { server } = request.body;
      if (server.description !== undefined && !isValidServerDescription(server.description)) {
        fail("ecsInvalidDescription", "description must be at most 85 characters, without < or >.");
      }
      if (server.adminPass !== undefined && !isStrongAdminPass(server.adminPass)) fail("ecsWeakPassword");
      const result = await createServers(context, callerOf(request), {
        name: server.name,
        imageRef: server.imageRef,
        flavorRef: server.flavorRef,
        vpcId: server.vpcid,
        nics: nicInputs(server.nics),
        rootVolumeType: server.root_volume.volumetype,
        rootVolumeSize: server.root_volume.size ?? 40,
        count: server.count ?? 1,
        availabilityZone: server.availability_zone,
        metadata: server.metadata ?? {},
        keyName: server.key_name,
        description: server.description,
        tags: server.tags,
        userData: server.user_data,
        schedulerHints: server["os:scheduler_hints"],
        securityGroups: server.security_groups?.map((group) => group.id),
        dryRun: request.body.dry_run === true,
      });
      if (result === "dry-run-passed") return reply.code(202).send({});
      return { job_id: result.job.id, serverIds: result.servers.map((s) => s.id) };
    };
    for (const version of ["v1", "v1.1"]) {
      app.post<{ Params: ProjectParams; Body: CreateServersBody }>(
        `/${version}/:project_id/cloudservers`,
        { schema: { body: createServersSchema }, config: { errors } },
        create,
      );
    }

    app.get<{ Params: ProjectParams & { job_id: string } }>(
      "/v1/:project_id/jobs/:job_id",
      { config: { errors } },
      async (request) => jobBody(await showJob(context, callerOf(request), request.params.job_id)),
    );

    app.get<{ Params: ProjectParams; Querystring: ListServersQuery }>(
      "/v1/:project_id/cloudservers/detail",
      { schema: { querystring: listServersQuerySchema }, config: { errors } },
      async (request) => {
        const caller = callerOf(request);
        const { name, status, flavor, ip, tags, reservation_id, limit = 25, offset = 1 } = request.query;
        const { total, views } = await listServers(context, caller, {
          name,
          status,
          flavor,
          ip,
          tags: tags?.split(",").filter((tag) => tag !== ""),
          reservationId: reservation_id,
          limit,
          page: Math.max(offset, 1),
        });
        return {
          count: total,
          servers: views.map((view) => serverBody(view.server, view.nics, caller.projectId, view.securityGroups)),
        };
      },
    );

    app.get<{ Params: ProjectParams & { server_id: string } }>(
      "/v1/:project_id/cloudservers/:server_id",
      { config: { errors } },
      async (request) => {
        const caller = callerOf(request);
        const view = await showServer(context, caller, request.params.server_id);
        return { server: serverBody(view.server, view.nics, caller.projectId, view.securityGroups) };
      },
    );

    app.get<{ Params: ProjectParams & { server_id: string } }>(
      "/v1/:project_id/cloudservers/:server_id/os-interface",
      { config: { errors } },
      async (request) => {
        const nics = await listServerNics(context, callerOf(request), request.params.server_id);
        return { interfaceAttachments: nics.map(interfaceBody) };
      },
    );

    app.post<{ Params: ProjectParams & { server_id: string }; Body: AddNicsBody }>(
      "/v1/:project_id/cloudservers/:server_id/nics",
      { schema: { body: addNicsSchema }, config: { errors } },
      async (request) => {
        const result = await addServerNics(
          context,
          callerOf(request),
          request.params.server_id,
          nicInputs(request.body.nics),
        );
        return { job_id: result.job.id };
      },
    );

    app.post<{ Params: ProjectParams & { server_id: string }; Body: IdListBody }>(
      "/v1/:project_id/cloudservers/:server_id/nics/delete",
      { schema: { body: deleteNicsSchema }, config: { errors } },
      async (request) => {
        const ids = (request.body.nics ?? []).map((nic) => nic.id);
        const job = await deleteServerNics(context, callerOf(request), request.params.server_id, ids);
        return { job_id: job.id };
      },
    );

    app.post<{ Params: ProjectParams; Body: ServerActionBody }>(
      "/v1/:project_id/cloudservers/action",
      { schema: { body: serverActionSchema }, config: { errors } },
      async (request) => {
        const { body } = request;
        const [action, servers] = body["os-start"]
          ? (["start", body["os-start"].servers] as const)
          : body["os-stop"]
            ? (["stop", body["os-stop"].servers] as const)
            : (["reboot", body.reboot?.servers ?? []] as const);
        const job = await changePower(
          context,
          callerOf(request),
          servers.map((server) => server.id),
          action,
        );
        return { job_id: job.id };
      },
    );

    app.post<{ Params: ProjectParams; Body: IdListBody }>(
      "/v1/:project_id/cloudservers/delete",
      { schema: { body: deleteServersSchema }, config: { errors } },
      async (request) => {
        const ids = (request.body.servers ?? []).map((server) => server.id);
        const job = await deleteServers(context, callerOf(request), ids);
        return { job_id: job.id };
      },
    );
  };
}
