import type { FastifyInstance } from "fastify";
import { type Port, VIP_DEVICE_OWNER } from "../../domain/model.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { bindingProfileTooDeep, MAX_BINDING_PROFILE_DEPTH } from "../../domain/ports/binding-profile.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";
import type { UseCaseContext } from "../../usecases/context.js";
import {
  createPort,
  deletePort,
  listPorts,
  type PortRefusal,
  type PortRefusals,
  showPort,
  updatePort,
} from "../../usecases/shared/ports.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { sharedAnswers } from "../shared/answers.js";
import { dhcpOptionInputs, pairInputs, portFilterOf, type RefuseAddress } from "../shared/port-inputs.js";
import { fixedIpsBody, pairsBody } from "../shared/port-mappers.js";
import {
  type CreatePortV1Body,
  createPortV1Schema,
  type ListPortsV1Query,
  listPortsV1QuerySchema,
  type UpdatePortV1Body,
  updatePortV1Schema,
} from "./port-schemas.js";

const errors: RouteErrors = {
  invalid: "portInvalidParameter",
  projectMismatch: "vpcProjectMismatch",
  internal: "vpcInternal",
  busy: "vpcBusy",
};

const VPC_PORT_CODES: Record<PortRefusal, ErrorId> = {
  "port-not-found": "portNotFoundV1",
  // A VPC v1 port's network_id is the id of a VPC v1 subnet.
  "network-not-found": "subnetNotFound",
  "subnet-not-in-network": "portInvalidParameter",
  "ip-invalid": "privateIpInvalidAddress",
  "ip-in-use": "privateIpInUse",
  "ip-exhausted": "privateIpExhausted",
  "pairs-exhausted": "portInvalidParameter",
  "port-in-use": "portInUseV1",
  "security-group-not-found": "sgNotFound",
  "port-security-required": "portInvalidParameter",
  "port-has-security-group": "portInvalidParameter",
  "mac-in-use": "portInvalidParameter",
  "revision-mismatch": "portInvalidParameter",
  "pairs-need-port-security": "portInvalidParameter",
};

const vpcPortRefusals: PortRefusals = (reason, detail) => fail(VPC_PORT_CODES[reason], detail);

type ProjectParams = { project_id: string };

/** The port as the VPC v1 API (and its SDK's `Port` model) shows it. */
export function portV1Body(port: Port) {
  return {
    id: port.id,
    name: port.name,
    network_id: port.networkId,
    admin_state_up: port.adminStateUp,
    mac_address: port.macAddress,
    fixed_ips: fixedIpsBody(port),
    device_id: port.deviceId,
    device_owner: port.deviceOwner,
    tenant_id: port.projectId,
    status: port.status,
    security_groups: port.securityGroupIds,
    allowed_address_pairs: pairsBody(port),
    extra_dhcp_opts: port.extraDhcpOpts.map((option) => ({ opt_name: option.optName, opt_value: option.optValue })),
    "binding:vnic_type": "normal",
    dns_assignment: [],
    dns_name: "",
    "binding:vif_details": {},
    "binding:profile": port.bindingProfile,
    instance_id: port.nicIndex === null ? "" : port.deviceId,
    instance_type: port.nicIndex === null ? "" : "ecs",
    port_security_enabled: port.portSecurityEnabled,
    zone_id: "",
  };
}

const refuseAddress: RefuseAddress = (field, value) => fail("portInvalidParameter", `${field} ${value} is invalid.`);

/** `/v1/{project_id}/ports`: the same ports as Neutron's `/v2.0/ports`, in the VPC v1 service's shapes and codes. */
export function vpcPortRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: CreatePortV1Body }>(
      "/v1/:project_id/ports",
      {
        schema: {
          operationId: "createPort",
          tags: ["VPC"],
          summary: "Create a port (plain or neutron:VIP_PORT) on a subnet",
          response: ok(sharedAnswers.port),
          body: createPortV1Schema,
        },
        config: {
          // Chosen: the reference's permission pages list Neutron's port actions; the v1 API uses the same.
          permission: act("vpc:ports:create"),
          raises: ["subnetNotFound", "privateIpInvalidAddress", "privateIpInUse", "privateIpExhausted"],
          errors,
        },
      },
      async (request) => {
        const { port } = request.body;
        const caller = callerOf(request);
        const owner = port.device_owner ?? "";
        if (owner !== "" && owner !== VIP_DEVICE_OWNER) {
          fail("portInvalidParameter", `device_owner can only be ${VIP_DEVICE_OWNER} on create.`);
        }
        if (port.tenant_id !== undefined && port.tenant_id !== caller.projectId) fail("vpcProjectMismatch");
        const fixedIp = port.fixed_ips?.[0];
        if (fixedIp?.ip_address !== undefined && !isIpv4(fixedIp.ip_address)) {
          fail("portInvalidParameter", `ip_address ${fixedIp.ip_address} is invalid.`);
        }
        if (bindingProfileTooDeep(port["binding:profile"])) {
          fail("portInvalidParameter", `binding:profile nests deeper than ${MAX_BINDING_PROFILE_DEPTH} levels.`);
        }
        const created = await createPort(
          context,
          caller,
          {
            networkId: port.network_id,
            name: port.name ?? "",
            description: "",
            adminStateUp: port.admin_state_up ?? true,
            deviceOwner: owner,
            fixedIp: fixedIp && { subnetId: fixedIp.subnet_id, ipAddress: fixedIp.ip_address },
            allowedAddressPairs: pairInputs(port.allowed_address_pairs, refuseAddress),
            extraDhcpOpts: dhcpOptionInputs(port.extra_dhcp_opts),
            bindingProfile: port["binding:profile"],
          },
          vpcPortRefusals,
        );
        return { port: portV1Body(created) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: ListPortsV1Query }>(
      "/v1/:project_id/ports",
      {
        schema: {
          operationId: "listPorts",
          tags: ["VPC"],
          summary: "List ports",
          response: ok(sharedAnswers.ports),
          querystring: listPortsV1QuerySchema,
        },
        config: { permission: act("vpc:ports:get"), errors },
      },
      async (request) => {
        const filter = portFilterOf(callerOf(request), request.query);
        if (filter) filter.page = { limit: request.query.limit || 2000, marker: request.query.marker };
        return { ports: (filter ? await listPorts(context, filter) : []).map(portV1Body) };
      },
    );
    app.get<{ Params: ProjectParams & { port_id: string } }>(
      "/v1/:project_id/ports/:port_id",
      {
        schema: { operationId: "showPort", tags: ["VPC"], summary: "Show a port", response: ok(sharedAnswers.port) },
        config: { permission: act("vpc:ports:get"), raises: ["portNotFoundV1"], errors },
      },
      async (request) => ({
        port: portV1Body(await showPort(context, callerOf(request), request.params.port_id, vpcPortRefusals)),
      }),
    );
    app.put<{ Params: ProjectParams & { port_id: string }; Body: UpdatePortV1Body }>(
      "/v1/:project_id/ports/:port_id",
      {
        schema: {
          operationId: "updatePort",
          tags: ["VPC"],
          summary: "Update a port's name or allowed address pairs",
          response: ok(sharedAnswers.port),
          body: updatePortV1Schema,
        },
        config: { permission: act("vpc:ports:update"), raises: ["portNotFoundV1"], errors },
      },
      async (request) => {
        const { port } = request.body;
        const updated = await updatePort(
          context,
          callerOf(request),
          request.params.port_id,
          {
            name: port.name,
            allowedAddressPairs: pairInputs(port.allowed_address_pairs, refuseAddress),
            extraDhcpOpts: dhcpOptionInputs(port.extra_dhcp_opts),
          },
          vpcPortRefusals,
        );
        return { port: portV1Body(updated) };
      },
    );
    app.delete<{ Params: ProjectParams & { port_id: string } }>(
      "/v1/:project_id/ports/:port_id",
      {
        schema: {
          operationId: "deletePort",
          tags: ["VPC"],
          summary: "Delete a port no device owns",
          response: noContent,
        },
        config: { permission: act("vpc:ports:delete"), raises: ["portNotFoundV1", "portInUseV1"], errors },
      },
      async (request, reply) => {
        await deletePort(context, callerOf(request), request.params.port_id, vpcPortRefusals);
        return reply.code(204).send();
      },
    );
  };
}
