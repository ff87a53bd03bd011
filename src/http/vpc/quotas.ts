import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { projectQuotaUsage, type QuotaUsage } from "../../usecases/quotas.js";
import { ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcAnswers } from "./answers.js";

const errors: RouteErrors = {
  invalid: "quotaInvalidType",
  projectMismatch: "vpcProjectMismatch",
  internal: "vpcInternal",
  busy: "vpcBusy",
};

/**
 * The resource types this cloud has, each with its quota and use. Security groups and EIPs count as unused until
 * those resources exist in the store.
 */
function resources(usage: QuotaUsage) {
  const { quotas } = usage;
  return [
    { type: "vpc", used: usage.vpcs, quota: quotas.vpc, min: 0 },
    { type: "subnet", used: usage.subnets, quota: quotas.subnet, min: 0 },
    { type: "securityGroup", used: 0, quota: quotas.securityGroup, min: 0 },
    { type: "securityGroupRule", used: 0, quota: quotas.securityGroupRule, min: 0 },
    { type: "publicIp", used: 0, quota: quotas.publicIp, min: 0 },
  ];
}

/** `GET /v1/{project_id}/quotas[?type=…]` (VPC v1). */
export function vpcQuotaRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { project_id: string }; Querystring: { type?: string } }>(
      "/v1/:project_id/quotas",
      {
        schema: {
          operationId: "showQuota",
          tags: ["VPC"],
          summary: "Show the project's VPC quotas and their use",
          response: ok(vpcAnswers.quotas),
          querystring: { type: "object", properties: { type: { type: "string" } } },
        },
        // Chosen, after the VPC service's own actions.
        config: { permission: act("vpc:quotas:list"), errors },
      },
      async (request) => {
        const all = resources(await projectQuotaUsage(context, callerOf(request)));
        const { type } = request.query;
        if (type === undefined) return { quotas: { resources: all } };
        const picked = all.filter((resource) => resource.type === type);
        if (picked.length === 0) fail("quotaInvalidType", `Invalid resource type: ${type}.`);
        return { quotas: { resources: picked } };
      },
    );
  };
}
