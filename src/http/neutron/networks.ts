import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID, EXTERNAL_NETWORK_NAME } from "../../domain/eips/model.js";
import type { Subnet } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { actingForEach } from "../../usecases/neutron/acting-for.js";
import {
  createNetworks,
  deleteNetwork,
  listNetworks,
  type NetworkView,
  showNetwork,
  updateNetwork,
} from "../../usecases/neutron/networks.js";
import {
  createNeutronSubnets,
  deleteNeutronSubnet,
  listNeutronSubnets,
  showNeutronSubnet,
  updateNeutronSubnet,
} from "../../usecases/neutron/subnets.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { sendError } from "../plugins/error-handler.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { listOf } from "../shared/list-query.js";
import { vpcTime } from "../shared/vpc-time.js";
import { neutronAnswers } from "./answers.js";
import { unwrapBulkItems } from "./bulk.js";
import { collectionAnswer } from "./collection.js";
import { EXTENSIONS, extensionBody } from "./extensions.js";
import { namedProject } from "./named-project.js";
import {
  type CreateNetworksBody,
  type CreateSubnetBody,
  createNetworkSchema,
  createSubnetSchema,
  type ListNetworksQuery,
  type ListSubnetsQuery,
  listNetworksQuerySchema,
  listSubnetsQuerySchema,
  type NetworkBodyInput,
  type NetworkFields,
  type SubnetCreatable,
  type UpdateSubnetBody,
  updateNetworkSchema,
  updateSubnetSchema,
} from "./network-schemas.js";
import { acceptPythonBooleans, type ShowQuery, selectFields, showQuerySchema } from "./query.js";
import { expectedRevision } from "./revisions.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

const poolRaises: ErrorId[] = [
  "neutronInvalidInput",
  "neutronInvalidAllocationPool",
  "neutronOutOfBoundsAllocationPool",
  "neutronOverlappingAllocationPools",
  "neutronGatewayConflictWithAllocationPools",
];

function networkBody({ network, subnets }: NetworkView) {
  return {
    id: network.id,
    name: network.name,
    description: network.description,
    status: network.status,
    admin_state_up: network.adminStateUp,
    shared: false,
    "router:external": false,
    "provider:network_type": "vxlan",
    port_security_enabled: network.portSecurityEnabled,
    mtu: 1500,
    subnets: subnets.map((subnet) => subnet.neutronSubnetId),
    project_id: network.projectId,
    tenant_id: network.projectId,
    availability_zone_hints: [],
    availability_zones: [...new Set(subnets.map((subnet) => subnet.availabilityZone))],
    tags: [],
    revision_number: network.revisionNumber,
    created_at: vpcTime(network.createdAt),
    updated_at: vpcTime(network.updatedAt),
  };
}

/** The cloud's one external network (EIPs come from it), as `router:external=true` lists it. */
function externalNetworkBody(projectId: string) {
  const at = vpcTime(new Date(0).toISOString());
  return {
    id: EXTERNAL_NETWORK_ID,
    name: EXTERNAL_NETWORK_NAME,
    description: "",
    status: "ACTIVE",
    admin_state_up: true,
    shared: false,
    "router:external": true,
    "provider:network_type": "vlan",
    mtu: 1500,
    subnets: [],
    project_id: projectId,
    tenant_id: projectId,
    availability_zone_hints: [],
    availability_zones: [],
    tags: [],
    revision_number: 0,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The MTU is shown (1500) but not writable: the cloud's network pages have no `mtu` to set and `net-mtu-writable`
 * is not listed, so Neutron's answer for a read-only attribute.
 */
function refuseMtu(network: NetworkFields, method: "POST" | "PUT"): void {
  if (network.mtu !== undefined) fail("neutronBadRequest", `Attribute 'mtu' not allowed in ${method}`);
}

function networkInput(network: NetworkFields) {
  return {
    name: network.name,
    description: network.description,
    adminStateUp: network.admin_state_up,
    portSecurityEnabled: network.port_security_enabled,
  };
}

function subnetInput(subnet: SubnetCreatable) {
  return {
    networkId: subnet.network_id,
    name: subnet.name,
    description: subnet.description,
    cidr: subnet.cidr,
    ipVersion: subnet.ip_version,
    gatewayIp: subnet.gateway_ip,
    allocationPools: subnet.allocation_pools,
    dnsNameservers: subnet.dns_nameservers,
    enableDhcp: subnet.enable_dhcp,
  };
}

function subnetBody(subnet: Subnet) {
  return {
    id: subnet.neutronSubnetId,
    name: subnet.name,
    description: subnet.description,
    network_id: subnet.networkId,
    project_id: subnet.projectId,
    tenant_id: subnet.projectId,
    ip_version: 4,
    cidr: subnet.cidr,
    gateway_ip: subnet.gatewayIp === "" ? null : subnet.gatewayIp,
    allocation_pools: subnet.allocationPools.map((pool) => ({ start: pool.start, end: pool.end })),
    dns_nameservers: subnet.dnsList,
    host_routes: [],
    enable_dhcp: subnet.dhcpEnable,
    ipv6_address_mode: null,
    ipv6_ra_mode: null,
    subnetpool_id: null,
    service_types: [],
    tags: [],
    revision_number: subnet.revisionNumber,
    created_at: vpcTime(subnet.createdAt),
    updated_at: vpcTime(subnet.updatedAt),
  };
}

/** A filter on another project (or on a kind of network this project cannot have) matches nothing. */
function otherProject(caller: Caller, query: { tenant_id?: string; project_id?: string }): boolean {
  const owner = query.project_id ?? query.tenant_id;
  return owner !== undefined && owner !== caller.projectId;
}

/** Neutron networks and subnets (native ones and VPC v1 subnets as networks), and extension discovery. */
export function neutronNetworkRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.post<{ Body: CreateNetworksBody }>(
      "/v2.0/networks",
      {
        schema: {
          operationId: "neutronCreateNetwork",
          tags: ["Neutron"],
          summary: "Create a network (no subnet, no VPC), or several at once (all or none)",
          response: ok(neutronAnswers.network, 201),
          body: createNetworkSchema,
        },
        preValidation: unwrapBulkItems("network"),
        config: {
          permission: act("vpc:networks:create"),
          raises: ["neutronInvalidInput", "neutronBadRequest"],
          errors,
        },
      },
      async (request, reply) => {
        const { network, networks } = request.body;
        const items = networks ?? (network ? [network] : []);
        const callers = await actingForEach(context, callerOf(request), items.map(namedProject));
        for (const item of items) refuseMtu(item, "POST");
        const created = await createNetworks(context, callers, items.map(networkInput));
        if (networks) return reply.code(201).send({ networks: created.map(networkBody) });
        return reply.code(201).send({ network: networkBody(created[0] as NetworkView) });
      },
    );
    app.get<{ Params: { network_id: string }; Querystring: ShowQuery }>(
      "/v2.0/networks/:network_id",
      {
        schema: {
          operationId: "neutronShowNetwork",
          tags: ["Neutron"],
          summary: "Show a network (the external network admin_external_net too)",
          response: ok(neutronAnswers.network),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:networks:get"), raises: ["networkNotFound"], errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const { network_id: id } = request.params;
        const body =
          id === EXTERNAL_NETWORK_ID
            ? externalNetworkBody(caller.projectId)
            : networkBody(await showNetwork(context, caller, id));
        return { network: selectFields(body, request.query.fields) };
      },
    );
    app.get<{ Querystring: ListNetworksQuery }>(
      "/v2.0/networks",
      {
        schema: {
          operationId: "neutronListNetworks",
          tags: ["Neutron"],
          summary: "List networks (VPC v1 subnets as networks; router:external=true the external one)",
          response: ok(neutronAnswers.networks),
          querystring: listNetworksQuerySchema,
        },
        config: { permission: act("vpc:networks:get"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const query = request.query;
        if (query["router:external"] === true) {
          const external = externalNetworkBody(caller.projectId);
          const ids = listOf(query.id);
          const shown =
            (ids === undefined || ids.includes(external.id)) &&
            (query.name === undefined || query.name === external.name);
          return collectionAnswer(request, "networks", shown ? [external] : [], query);
        }
        if (otherProject(caller, query) || query.shared === true) return { networks: [] };
        if (query["provider:network_type"] !== undefined && query["provider:network_type"] !== "vxlan") {
          return { networks: [] };
        }
        const views = await listNetworks(context, caller, {
          ids: listOf(query.id),
          name: query.name,
          adminStateUp: query.admin_state_up,
          status: query.status,
          page: {},
        });
        return collectionAnswer(request, "networks", views.map(networkBody), query);
      },
    );
    app.put<{ Params: { network_id: string }; Body: NetworkBodyInput }>(
      "/v2.0/networks/:network_id",
      {
        schema: {
          operationId: "neutronUpdateNetwork",
          tags: ["Neutron"],
          summary: "Update a network's name, description or port-security default",
          response: ok(neutronAnswers.network),
          body: updateNetworkSchema,
        },
        config: {
          permission: act("vpc:networks:update"),
          raises: ["networkNotFound", "neutronInvalidInput", "neutronRevisionMismatch"],
          errors,
        },
      },
      async (request) => {
        const { network } = request.body;
        refuseMtu(network, "PUT");
        const updated = await updateNetwork(
          context,
          callerOf(request),
          request.params.network_id,
          networkInput(network),
          expectedRevision(request),
        );
        return { network: networkBody(updated) };
      },
    );
    app.delete<{ Params: { network_id: string } }>(
      "/v2.0/networks/:network_id",
      {
        schema: {
          operationId: "neutronDeleteNetwork",
          tags: ["Neutron"],
          summary: "Delete a Neutron-made network with its subnets",
          response: noContent,
        },
        config: { permission: act("vpc:networks:delete"), raises: ["networkNotFound", "neutronNetworkInUse"], errors },
      },
      async (request, reply) => {
        await deleteNetwork(context, callerOf(request), request.params.network_id);
        return reply.code(204).send();
      },
    );

    app.post<{ Body: CreateSubnetBody }>(
      "/v2.0/subnets",
      {
        schema: {
          operationId: "neutronCreateSubnet",
          tags: ["Neutron"],
          summary: "Create a subnet in a Neutron-made network, or several at once (all or none)",
          response: ok(neutronAnswers.subnet, 201),
          body: createSubnetSchema,
        },
        preValidation: unwrapBulkItems("subnet"),
        config: {
          permission: act("vpc:subnets:create"),
          raises: [...poolRaises, "networkNotFound", "neutronOverQuota", "neutronBadRequest"],
          errors,
        },
      },
      async (request, reply) => {
        const { subnet, subnets } = request.body;
        const items = subnets ?? (subnet ? [subnet] : []);
        const callers = await actingForEach(context, callerOf(request), items.map(namedProject));
        const created = await createNeutronSubnets(context, callers, items.map(subnetInput));
        if (subnets) return reply.code(201).send({ subnets: created.map(subnetBody) });
        return reply.code(201).send({ subnet: subnetBody(created[0] as Subnet) });
      },
    );
    app.get<{ Params: { subnet_id: string }; Querystring: ShowQuery }>(
      "/v2.0/subnets/:subnet_id",
      {
        schema: {
          operationId: "neutronShowSubnet",
          tags: ["Neutron"],
          summary: "Show a subnet",
          response: ok(neutronAnswers.subnet),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:subnets:get"), raises: ["neutronSubnetNotFound"], errors },
      },
      async (request) => ({
        subnet: selectFields(
          subnetBody(await showNeutronSubnet(context, callerOf(request), request.params.subnet_id)),
          request.query.fields,
        ),
      }),
    );
    app.get<{ Querystring: ListSubnetsQuery }>(
      "/v2.0/subnets",
      {
        schema: {
          operationId: "neutronListSubnets",
          tags: ["Neutron"],
          summary: "List subnets (VPC v1 subnets too)",
          response: ok(neutronAnswers.subnets),
          querystring: listSubnetsQuerySchema,
        },
        config: { permission: act("vpc:subnets:get"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const query = request.query;
        if (otherProject(caller, query)) return { subnets: [] };
        const subnets = await listNeutronSubnets(context, caller, {
          ids: listOf(query.id),
          name: query.name,
          networkId: query.network_id,
          cidr: query.cidr,
          gatewayIp: query.gateway_ip,
          enableDhcp: query.enable_dhcp,
          ipVersion: query.ip_version,
          page: {},
        });
        return collectionAnswer(request, "subnets", subnets.map(subnetBody), query);
      },
    );
    app.put<{ Params: { subnet_id: string }; Body: UpdateSubnetBody }>(
      "/v2.0/subnets/:subnet_id",
      {
        schema: {
          operationId: "neutronUpdateSubnet",
          tags: ["Neutron"],
          summary: "Update a subnet's name, description, pools or DNS servers",
          response: ok(neutronAnswers.subnet),
          body: updateSubnetSchema,
        },
        config: {
          permission: act("vpc:subnets:update"),
          raises: [...poolRaises, "neutronSubnetNotFound", "neutronRevisionMismatch"],
          errors,
        },
      },
      async (request) => {
        const { subnet } = request.body;
        const updated = await updateNeutronSubnet(
          context,
          callerOf(request),
          request.params.subnet_id,
          {
            name: subnet.name,
            description: subnet.description,
            gatewayIp: subnet.gateway_ip,
            allocationPools: subnet.allocation_pools,
            dnsNameservers: subnet.dns_nameservers,
            enableDhcp: subnet.enable_dhcp,
          },
          expectedRevision(request),
        );
        return { subnet: subnetBody(updated) };
      },
    );
    app.delete<{ Params: { subnet_id: string } }>(
      "/v2.0/subnets/:subnet_id",
      {
        schema: {
          operationId: "neutronDeleteSubnet",
          tags: ["Neutron"],
          summary: "Delete a Neutron-made subnet with its own ports",
          response: noContent,
        },
        config: {
          permission: act("vpc:subnets:delete"),
          raises: ["neutronSubnetNotFound", "neutronSubnetInUse"],
          errors,
        },
      },
      async (request, reply) => {
        await deleteNeutronSubnet(context, callerOf(request), request.params.subnet_id);
        return reply.code(204).send();
      },
    );

    app.get(
      "/v2.0/extensions",
      {
        schema: {
          operationId: "neutronListExtensions",
          tags: ["Neutron"],
          summary: "List the Neutron extensions implemented",
          response: ok(neutronAnswers.extensions),
        },
        config: { permission: act("vpc:extensions:list"), errors },
      },
      async () => ({ extensions: EXTENSIONS.map(extensionBody) }),
    );
    app.get<{ Params: { alias: string } }>(
      "/v2.0/extensions/:alias",
      {
        schema: {
          operationId: "neutronShowExtension",
          tags: ["Neutron"],
          summary: "Show one extension by alias",
          response: ok(neutronAnswers.extension),
        },
        config: { permission: act("vpc:extensions:get"), raises: ["neutronExtensionNotFound"], errors },
      },
      async (request, reply) => {
        const extension = EXTENSIONS.find((candidate) => candidate.alias === request.params.alias);
        if (extension) return { extension: extensionBody(extension) };
        return sendError(
          reply,
          "neutronExtensionNotFound",
          `Extension with alias ${request.params.alias} does not exist.`,
        );
      },
    );
  };
}
