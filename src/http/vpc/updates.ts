import type { FastifyInstance } from "fastify";
import type { UseCaseContext } from "../../usecases/context.js";
import { updateSubnet, updateVpc } from "../../usecases/vpc/updates.js";
import { ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcAnswers } from "./answers.js";
import { vpcBody } from "./mappers.js";
import { optionalIp } from "./routes.js";
import { type UpdateSubnetBody, type UpdateVpcBody, updateSubnetSchema, updateVpcSchema } from "./schemas.js";

const common = { projectMismatch: "vpcProjectMismatch", internal: "vpcInternal", busy: "vpcBusy" } as const;
const vpcErrors: RouteErrors = { ...common, invalid: "vpcInvalidParameter" };
const subnetErrors: RouteErrors = { ...common, invalid: "subnetInvalidParameter" };

type VpcParams = { project_id: string; vpc_id: string };

/** `PUT` of VPCs and subnets (VPC v1). */
export function vpcUpdateRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.put<{ Params: VpcParams; Body: UpdateVpcBody }>(
      "/v1/:project_id/vpcs/:vpc_id",
      {
        schema: {
          operationId: "updateVpc",
          tags: ["VPC"],
          summary: "Update a VPC's name, description or CIDR",
          response: ok(vpcAnswers.vpc),
          body: updateVpcSchema,
        },
        config: {
          permission: act("vpc:vpcs:update"),
          raises: ["vpcNotFound", "vpcInvalidParameter", "vpcNameExists"],
          errors: vpcErrors,
        },
      },
      async (request) => {
        const { vpc } = request.body;
        const updated = await updateVpc(context, callerOf(request), request.params.vpc_id, {
          name: vpc.name,
          description: vpc.description,
          cidr: vpc.cidr,
        });
        return { vpc: vpcBody(updated) };
      },
    );
    app.put<{ Params: VpcParams & { subnet_id: string }; Body: UpdateSubnetBody }>(
      "/v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id",
      {
        schema: {
          operationId: "updateSubnet",
          tags: ["VPC"],
          summary: "Update a subnet's name, description, DHCP and DNS settings",
          response: ok(vpcAnswers.subnetStatus),
          body: updateSubnetSchema,
        },
        config: {
          permission: act("vpc:subnets:update"),
          raises: ["subnetNotFound", "subnetNotInVpc"],
          errors: subnetErrors,
        },
      },
      async (request) => {
        const { subnet } = request.body;
        const updated = await updateSubnet(
          context,
          callerOf(request),
          request.params.vpc_id,
          request.params.subnet_id,
          {
            name: subnet.name,
            description: subnet.description,
            dhcpEnable: subnet.dhcp_enable,
            primaryDns: optionalIp(subnet.primary_dns, "primary_dns"),
            secondaryDns: optionalIp(subnet.secondary_dns, "secondary_dns"),
            dnsList: subnet.dnsList?.flatMap((dns) => optionalIp(dns, "dnsList") ?? []),
            extraDhcpOpts: subnet.extra_dhcp_opts?.map((opt) => ({
              optName: opt.opt_name,
              optValue: opt.opt_value ?? "",
            })),
          },
        );
        return { subnet: { id: updated.id, status: updated.status } };
      },
    );
  };
}
