import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isStrongAdminPass, isValidServerDescription } from "../../domain/ecs/admin-pass.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { showJob } from "../../usecases/ecs/jobs.js";
import { addServerNics, deleteServerNics, listServerNics } from "../../usecases/ecs/nics.js";
import { changePower } from "../../usecases/ecs/power.js";
import { createServers, deleteServers, listServers, showServer } from "../../usecases/ecs/servers.js";
import { type NicVipRequest, updateNicVip } from "../../usecases/ecs/update-nic-vip.js";
import { ok } from "../openapi/answers.js";
import { act, type RoutePermission } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { ecsAnswers } from "./answers.js";
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

function nicInputs(nics: { subnet_id: string; ip_address?: string }[]) {
  return nics.map((nic) => {
    const ipAddress = nic.ip_address === "" ? undefined : nic.ip_address;
    if (ipAddress !== undefined && !isIpv4(ipAddress)) {
      fail("ecsInvalidParameter", `ip_address ${ipAddress} is not a valid IPv4 address.`);
    }
    return { subnetId: nic.subnet_id, ipAddress };
  });
}

type ProjectParams = { project_id: string };

/** What choosing a NIC's subnet and address can answer with (creating servers, adding NICs). */
const nicRaises: ErrorId[] = [
  "ecsSubnetNotFound",
  "ecsVpcMismatch",
  "ecsIpNotInSubnet",
  "ecsIpInUse",
  "ecsSubnetExhausted",
];
const createServersRaises: ErrorId[] = [
  "ecsCountExceeded",
  "ecsNicQuotaExceeded",
  "ecsVpcMismatch",
  "ecsQuotaExceeded",
  "ecsWeakPassword",
  "ecsInvalidDescription",
  ...nicRaises,
];

function powerAction(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if ("os-start" in body) return "ecs:cloudServers:start";
  if ("os-stop" in body) return "ecs:cloudServers:stop";
  if ("reboot" in body) return "ecs:cloudServers:reboot";
  return undefined;
}

/** The batch action starts, stops or reboots: the caller needs the action its body names (chosen). */
const powerPermission: RoutePermission = {
  kind: "action",
  actions: ["ecs:cloudServers:start", "ecs:cloudServers:stop", "ecs:cloudServers:reboot"],
  byBody: powerAction,
};

export function ecsRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.put<{ Params: ProjectParams & { nic_id: string }; Body: NicVipBody }>(
      "/v1/:project_id/cloudservers/nics/:nic_id",
      {
        schema: {
          operationId: "associateServerVirtualIp",
          tags: ["ECS"],
          summary: "Bind a virtual IP to a NIC; with subnet_id and ip_address both empty, unbind",
          response: ok(ecsAnswers.portId),
          body: nicVipSchema,
        },
        config: {
          // The reference's page is silent: chosen, as it changes a NIC's attributes (the NIC pages' ecs:cloudServerNics:*).
          permission: act("ecs:cloudServerNics:update"),
          raises: [
            "ecsPortNotFound",
            "ecsNotServerNic",
            "ecsServerNotFound",
            "ecsServerStatus",
            "ecsSubnetNotFound",
            "ecsVpcMismatch",
            "ecsIpNotInSubnet",
            "ecsIpInUse",
            "ecsPortUpdateFailed",
          ],
          errors,
        },
      },
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
    app.post<{ Params: ProjectParams; Body: CreateServersBody }>(
      "/v1/:project_id/cloudservers",
      {
        schema: {
          operationId: "createServers",
          tags: ["ECS"],
          summary: "Create servers (asynchronous job)",
          response: ok(ecsAnswers.createdServers),
          body: createServersSchema,
        },
        config: {
          permission: act("ecs:cloudServers:createServers"),
          raises: createServersRaises,
          errors,
        },
      },
      create,
    );
    app.post<{ Params: ProjectParams; Body: CreateServersBody }>(
      "/v1.1/:project_id/cloudservers",
      {
        schema: {
          operationId: "createPostPaidServers",
          tags: ["ECS"],
          summary: "Create pay-per-use servers (asynchronous job)",
          response: ok(ecsAnswers.createdServers),
          body: createServersSchema,
        },
        config: {
          permission: act("ecs:cloudServers:createServers"),
          raises: createServersRaises,
          errors,
        },
      },
      create,
    );

    app.get<{ Params: ProjectParams & { job_id: string } }>(
      "/v1/:project_id/jobs/:job_id",
      {
        schema: { operationId: "showJob", tags: ["ECS"], summary: "Show a job", response: ok(ecsAnswers.job) },
        // Chosen (the reference's pages are silent on jobs).
        config: { permission: act("ecs:jobs:get"), raises: ["ecsJobNotFound"], errors },
      },
      async (request) => jobBody(await showJob(context, callerOf(request), request.params.job_id)),
    );

    app.get<{ Params: ProjectParams; Querystring: ListServersQuery }>(
      "/v1/:project_id/cloudservers/detail",
      {
        schema: {
          operationId: "listServersDetails",
          tags: ["ECS"],
          summary: "List servers with details",
          response: ok(ecsAnswers.servers),
          querystring: listServersQuerySchema,
        },
        config: { permission: act("ecs:cloudServers:list"), errors },
      },
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
      {
        schema: { operationId: "showServer", tags: ["ECS"], summary: "Show a server", response: ok(ecsAnswers.server) },
        config: { permission: act("ecs:cloudServers:showServer"), raises: ["ecsServerNotFound"], errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const view = await showServer(context, caller, request.params.server_id);
        return { server: serverBody(view.server, view.nics, caller.projectId, view.securityGroups) };
      },
    );

    app.get<{ Params: ProjectParams & { server_id: string } }>(
      "/v1/:project_id/cloudservers/:server_id/os-interface",
      {
        schema: {
          operationId: "listServerInterfaces",
          tags: ["ECS"],
          summary: "List a server's NICs",
          response: ok(ecsAnswers.interfaces),
        },
        config: { permission: act("ecs:cloudServers:listServerInterfaces"), raises: ["ecsServerNotFound"], errors },
      },
      async (request) => {
        const nics = await listServerNics(context, callerOf(request), request.params.server_id);
        return { interfaceAttachments: nics.map(interfaceBody) };
      },
    );

    app.post<{ Params: ProjectParams & { server_id: string }; Body: AddNicsBody }>(
      "/v1/:project_id/cloudservers/:server_id/nics",
      {
        schema: {
          operationId: "batchAddServerNics",
          tags: ["ECS"],
          summary: "Add NICs to a server",
          response: ok(ecsAnswers.jobId),
          body: addNicsSchema,
        },
        config: {
          permission: act("ecs:cloudServers:addNics"),
          raises: ["ecsServerNotFound", "ecsServerStatus", "ecsNicQuotaExceeded", ...nicRaises],
          errors,
        },
      },
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
      {
        schema: {
          operationId: "batchDeleteServerNics",
          tags: ["ECS"],
          summary: "Delete NICs from a server",
          response: ok(ecsAnswers.jobId),
          body: deleteNicsSchema,
        },
        config: {
          permission: act("ecs:cloudServerNics:delete"),
          raises: ["ecsServerNotFound", "ecsServerStatus", "ecsNotServerNic", "ecsPrimaryNicUndeletable"],
          errors,
        },
      },
      async (request) => {
        const ids = (request.body.nics ?? []).map((nic) => nic.id);
        const job = await deleteServerNics(context, callerOf(request), request.params.server_id, ids);
        return { job_id: job.id };
      },
    );

    app.post<{ Params: ProjectParams; Body: ServerActionBody }>(
      "/v1/:project_id/cloudservers/action",
      {
        schema: {
          operationId: "batchServersAction",
          tags: ["ECS"],
          summary: "Start, stop or reboot servers",
          response: ok(ecsAnswers.jobId),
          body: serverActionSchema,
        },
        config: { permission: powerPermission, raises: ["ecsServerNotFound", "ecsServerStatus"], errors },
      },
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
      {
        schema: {
          operationId: "deleteServers",
          tags: ["ECS"],
          summary: "Delete servers with their NICs",
          response: ok(ecsAnswers.jobId),
          body: deleteServersSchema,
        },
        config: { permission: act("ecs:cloudServers:deleteServers"), raises: ["ecsServerNotFound"], errors },
      },
      async (request) => {
        const ids = (request.body.servers ?? []).map((server) => server.id);
        const job = await deleteServers(context, callerOf(request), ids);
        return { job_id: job.id };
      },
    );
  };
}
