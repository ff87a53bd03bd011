import type { FastifyInstance } from "fastify";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { fail } from "../../errors/cloud-error.js";
import type { Page } from "../../store/store.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { assignPrivateIps, deletePrivateIp, listPrivateIps, showPrivateIp } from "../../usecases/vpc/private-ips.js";
import { createSubnet, deleteSubnet, listSubnets, showSubnet } from "../../usecases/vpc/subnets.js";
import { createVpc, deleteVpc, listVpcs, showVpc } from "../../usecases/vpc/vpcs.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcAnswers } from "./answers.js";
import { privateIpBody, subnetBody, vpcBody } from "./mappers.js";
import {
  type AssignPrivateIpsBody,
  assignPrivateIpsSchema,
  type CreateSubnetBody,
  type CreateVpcBody,
  createSubnetSchema,
  createVpcSchema,
  type PageQuery,
  pageQuerySchema,
} from "./schemas.js";

const common = { projectMismatch: "vpcProjectMismatch", internal: "vpcInternal", busy: "vpcBusy" } as const;
const vpcErrors: RouteErrors = { ...common, invalid: "vpcInvalidParameter" };
const subnetErrors: RouteErrors = { ...common, invalid: "subnetInvalidParameter" };
const privateIpErrors: RouteErrors = { ...common, invalid: "privateIpInvalidAddress" };

type ProjectParams = { project_id: string };
const DEFAULT_LIMIT = 2000;

function page(query: PageQuery): Page {
  return { limit: query.limit || DEFAULT_LIMIT, marker: query.marker };
}

export function optionalIp(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isIpv4(value)) fail("subnetInvalidParameter", `${field} ${value} is invalid.`);
  return value;
}

export function vpcRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: CreateVpcBody }>(
      "/v1/:project_id/vpcs",
      {
        schema: {
          operationId: "createVpc",
          tags: ["VPC"],
          summary: "Create a VPC",
          response: ok(vpcAnswers.vpc),
          body: createVpcSchema,
        },
        config: {
          permission: act("vpc:vpcs:create"),
          raises: ["vpcQuotaExceeded", "vpcNameExists"],
          errors: vpcErrors,
        },
      },
      async (request) => {
        const { vpc } = request.body;
        const created = await createVpc(context, callerOf(request), {
          name: vpc.name ?? "",
          description: vpc.description ?? "",
          cidr: vpc.cidr,
        });
        return { vpc: vpcBody(created) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: PageQuery }>(
      "/v1/:project_id/vpcs",
      {
        schema: {
          operationId: "listVpcs",
          tags: ["VPC"],
          summary: "List VPCs",
          response: ok(vpcAnswers.vpcs),
          querystring: pageQuerySchema,
        },
        config: { permission: act("vpc:vpcs:list"), errors: vpcErrors },
      },
      async (request) => ({
        vpcs: (await listVpcs(context, callerOf(request), page(request.query))).map(vpcBody),
      }),
    );
    app.get<{ Params: ProjectParams & { vpc_id: string } }>(
      "/v1/:project_id/vpcs/:vpc_id",
      {
        schema: { operationId: "showVpc", tags: ["VPC"], summary: "Show a VPC", response: ok(vpcAnswers.vpc) },
        config: { permission: act("vpc:vpcs:get"), raises: ["vpcNotFound"], errors: vpcErrors },
      },
      async (request) => ({ vpc: vpcBody(await showVpc(context, callerOf(request), request.params.vpc_id)) }),
    );
    app.delete<{ Params: ProjectParams & { vpc_id: string } }>(
      "/v1/:project_id/vpcs/:vpc_id",
      {
        schema: {
          operationId: "deleteVpc",
          tags: ["VPC"],
          summary: "Delete a VPC without subnets",
          response: noContent,
        },
        config: { permission: act("vpc:vpcs:delete"), raises: ["vpcNotFound", "vpcHasSubnets"], errors: vpcErrors },
      },
      async (request, reply) => {
        await deleteVpc(context, callerOf(request), request.params.vpc_id);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: ProjectParams; Body: CreateSubnetBody }>(
      "/v1/:project_id/subnets",
      {
        schema: {
          operationId: "createSubnet",
          tags: ["VPC"],
          summary: "Create a subnet (also a Neutron network)",
          response: ok(vpcAnswers.subnet),
          body: createSubnetSchema,
        },
        config: {
          permission: act("vpc:subnets:create"),
          raises: ["subnetInvalidCidr", "vpcNotFound", "subnetOutsideVpc", "subnetConflict"],
          errors: subnetErrors,
        },
      },
      async (request) => {
        const { subnet } = request.body;
        if (!isIpv4(subnet.gateway_ip)) fail("subnetInvalidParameter", `gateway_ip ${subnet.gateway_ip} is invalid.`);
        const created = await createSubnet(context, callerOf(request), {
          name: subnet.name,
          description: subnet.description ?? "",
          cidr: subnet.cidr,
          gatewayIp: subnet.gateway_ip,
          vpcId: subnet.vpc_id,
          dhcpEnable: subnet.dhcp_enable ?? true,
          primaryDns: optionalIp(subnet.primary_dns, "primary_dns"),
          secondaryDns: optionalIp(subnet.secondary_dns, "secondary_dns"),
          dnsList: subnet.dnsList?.flatMap((dns) => optionalIp(dns, "dnsList") ?? []),
          extraDhcpOpts: subnet.extra_dhcp_opts?.map((opt) => ({
            optName: opt.opt_name,
            optValue: opt.opt_value ?? "",
          })),
          availabilityZone: subnet.availability_zone,
        });
        return { subnet: subnetBody(created) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: PageQuery }>(
      "/v1/:project_id/subnets",
      {
        schema: {
          operationId: "listSubnets",
          tags: ["VPC"],
          summary: "List subnets",
          response: ok(vpcAnswers.subnets),
          querystring: pageQuerySchema,
        },
        config: { permission: act("vpc:subnets:get"), errors: subnetErrors },
      },
      async (request) => {
        const subnets = await listSubnets(context, callerOf(request), {
          vpcId: request.query.vpc_id,
          page: page(request.query),
        });
        return { subnets: subnets.map(subnetBody) };
      },
    );
    app.get<{ Params: ProjectParams & { subnet_id: string } }>(
      "/v1/:project_id/subnets/:subnet_id",
      {
        schema: { operationId: "showSubnet", tags: ["VPC"], summary: "Show a subnet", response: ok(vpcAnswers.subnet) },
        config: { permission: act("vpc:subnets:get"), raises: ["subnetNotFound"], errors: subnetErrors },
      },
      async (request) => ({
        subnet: subnetBody(await showSubnet(context, callerOf(request), request.params.subnet_id)),
      }),
    );
    app.delete<{ Params: ProjectParams & { vpc_id: string; subnet_id: string } }>(
      "/v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id",
      {
        schema: {
          operationId: "deleteSubnet",
          tags: ["VPC"],
          summary: "Delete a subnet without ports in use",
          response: noContent,
        },
        config: {
          permission: act("vpc:subnets:delete"),
          raises: ["subnetNotFound", "subnetNotInVpc", "subnetUsedByServers", "subnetHasPorts"],
          errors: subnetErrors,
        },
      },
      async (request, reply) => {
        await deleteSubnet(context, callerOf(request), request.params.vpc_id, request.params.subnet_id);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: ProjectParams; Body: AssignPrivateIpsBody }>(
      "/v1/:project_id/privateips",
      {
        schema: {
          operationId: "createPrivateip",
          tags: ["VPC"],
          summary: "Assign private IPs, given or automatic",
          response: ok(vpcAnswers.privateips),
          body: assignPrivateIpsSchema,
        },
        config: {
          permission: act("vpc:privateIps:create"),
          raises: ["privateIpSubnetNotFound", "privateIpInUse", "privateIpExhausted"],
          errors: privateIpErrors,
        },
      },
      async (request) => {
        const requests = request.body.privateips.map((entry) => {
          const ipAddress = entry.ip_address === "" ? undefined : entry.ip_address;
          if (ipAddress !== undefined && !isIpv4(ipAddress)) fail("privateIpInvalidAddress");
          return { subnetId: entry.subnet_id, ipAddress };
        });
        if (requests.length > context.limits.maxPrivateIpsPerRequest) {
          fail("privateIpInvalidAddress", `At most ${context.limits.maxPrivateIpsPerRequest} private IPs per request.`);
        }
        const ports = await assignPrivateIps(context, callerOf(request), requests);
        return { privateips: ports.map(privateIpBody) };
      },
    );
    app.get<{ Params: ProjectParams & { subnet_id: string }; Querystring: PageQuery }>(
      "/v1/:project_id/subnets/:subnet_id/privateips",
      {
        schema: {
          operationId: "listPrivateips",
          tags: ["VPC"],
          summary: "List a subnet's private IPs",
          response: ok(vpcAnswers.privateips),
          querystring: pageQuerySchema,
        },
        config: {
          permission: act("vpc:privateIps:list"),
          raises: ["privateIpSubnetNotFound"],
          errors: { ...privateIpErrors, invalid: "privateIpInvalidQuery" },
        },
      },
      async (request) => {
        const ports = await listPrivateIps(context, callerOf(request), request.params.subnet_id, page(request.query));
        return { privateips: ports.map(privateIpBody) };
      },
    );
    app.get<{ Params: ProjectParams & { privateip_id: string } }>(
      "/v1/:project_id/privateips/:privateip_id",
      {
        schema: {
          operationId: "showPrivateip",
          tags: ["VPC"],
          summary: "Show a private IP",
          response: ok(vpcAnswers.privateip),
        },
        config: { permission: act("vpc:privateIps:get"), raises: ["privateIpNotFound"], errors: privateIpErrors },
      },
      async (request) => ({
        privateip: privateIpBody(await showPrivateIp(context, callerOf(request), request.params.privateip_id)),
      }),
    );
    app.delete<{ Params: ProjectParams & { privateip_id: string } }>(
      "/v1/:project_id/privateips/:privateip_id",
      {
        schema: {
          operationId: "deletePrivateip",
          tags: ["VPC"],
          summary: "Release a private IP no NIC uses as a virtual IP",
          response: noContent,
        },
        config: {
          permission: act("vpc:privateIps:delete"),
          raises: ["privateIpNotFound", "privateIpBound"],
          errors: privateIpErrors,
        },
      },
      async (request, reply) => {
        await deletePrivateIp(context, callerOf(request), request.params.privateip_id);
        return reply.code(204).send();
      },
    );
  };
}
