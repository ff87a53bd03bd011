import type { FastifyInstance } from "fastify";
import { type Port, VIP_DEVICE_OWNER } from "../../domain/model.js";
import { isPairAddress } from "../../domain/net/cidr.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import type { PairInput } from "../../domain/ports/address-pairs.js";
import { bindingProfileTooDeep, MAX_BINDING_PROFILE_DEPTH } from "../../domain/ports/binding-profile.js";
import { isMac } from "../../domain/ports/mac.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";
import type { PortFilter } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import {
  createPort,
  deletePort,
  listPorts,
  type PortRefusal,
  type PortRefusals,
  showPort,
  updatePort,
} from "../../usecases/shared/ports.js";
import { dhcpOptionInputs } from "../neutron/mappers.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import {
  type CreatePortV1Body,
  createPortV1Schema,
  type ListPortsV1Query,
  listPortsV1QuerySchema,
  type PairBody,
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
    fixed_ips: port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    device_id: port.deviceId,
    device_owner: port.deviceOwner,
    tenant_id: port.projectId,
    status: port.status,
    security_groups: port.securityGroupIds,
    allowed_address_pairs: port.allowedAddressPairs.map((pair) => ({
      ip_address: pair.ipAddress,
      mac_address: pair.macAddress,
    })),
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

function pairInputs(pairs: PairBody[] | undefined): PairInput[] | undefined {
  return pairs?.map((pair) => {
    if (!isPairAddress(pair.ip_address)) fail("portInvalidParameter", `ip_address ${pair.ip_address} is invalid.`);
    if (pair.mac_address !== undefined && !isMac(pair.mac_address)) {
      fail("portInvalidParameter", `mac_address ${pair.mac_address} is invalid.`);
    }
    return { ipAddress: pair.ip_address, macAddress: pair.mac_address?.toLowerCase() };
  });
}

function portFilter(caller: Caller, query: ListPortsV1Query): PortFilter | undefined {
  const filter: PortFilter = {
    projectId: caller.projectId,
    name: query.name,
    networkId: query.network_id,
    deviceId: query.device_id,
    deviceOwner: query.device_owner,
    macAddress: query.mac_address?.toLowerCase(),
    status: query.status,
    adminStateUp: query.admin_state_up,
    ids: query.id === undefined ? undefined : [query.id].flat(),
    page: { limit: query.limit || 2000, marker: query.marker },
  };
  for (const term of query.fixed_ips ?? []) {
    const eq = term.indexOf("=");
    const key = term.slice(0, eq);
    const value = term.slice(eq + 1);
    if (key === "ip_address") filter.ipAddress = value;
    else if (key === "subnet_id") filter.fixedIpSubnetId = value;
    else return undefined;
  }
  return filter;
}

/** `/v1/{project_id}/ports`: the same ports as Neutron's `/v2.0/ports`, in the VPC v1 service's shapes and codes. */
export function vpcPortRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: CreatePortV1Body }>(
      "/v1/:project_id/ports",
      { schema: { body: createPortV1Schema }, config: { errors } },
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
            allowedAddressPairs: pairInputs(port.allowed_address_pairs),
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
      { schema: { querystring: listPortsV1QuerySchema }, config: { errors } },
      async (request) => {
        const filter = portFilter(callerOf(request), request.query);
        return { ports: (filter ? await listPorts(context, filter) : []).map(portV1Body) };
      },
    );
    app.get<{ Params: ProjectParams & { port_id: string } }>(
      "/v1/:project_id/ports/:port_id",
      { config: { errors } },
      async (request) => ({
        port: portV1Body(await showPort(context, callerOf(request), request.params.port_id, vpcPortRefusals)),
      }),
    );
    app.put<{ Params: ProjectParams & { port_id: string }; Body: UpdatePortV1Body }>(
      "/v1/:project_id/ports/:port_id",
      { schema: { body: updatePortV1Schema }, config: { errors } },
      async (request) => {
        const { port } = request.body;
        const updated = await updatePort(
          context,
          callerOf(request),
          request.params.port_id,
          {
            name: port.name,
            allowedAddressPairs: pairInputs(port.allowed_address_pairs),
            extraDhcpOpts: dhcpOptionInputs(port.extra_dhcp_opts),
          },
          vpcPortRefusals,
        );
        return { port: portV1Body(updated) };
      },
    );
    app.delete<{ Params: ProjectParams & { port_id: string } }>(
      "/v1/:project_id/ports/:port_id",
      { config: { errors } },
      async (request, reply) => {
        await deletePort(context, callerOf(request), request.params.port_id, vpcPortRefusals);
        return reply.code(204).send();
      },
    );
  };
}
