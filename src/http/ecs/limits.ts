import type { FastifyInstance } from "fastify";
import type { UseCaseContext } from "../../usecases/context.js";
import { projectQuotaUsage } from "../../usecases/quotas.js";
import { ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { ecsAnswers } from "./answers.js";

const errors: RouteErrors = {
  invalid: "ecsInvalidParameter",
  projectMismatch: "ecsProjectMismatch",
  internal: "ecsInternal",
  busy: "ecsInternal",
};

/**
 * `GET /v1/{project_id}/cloudservers/limits`: a static path, so it wins over `/cloudservers/{server_id}`. Limits this
 * cloud does not model (metadata, personality, server groups, key pairs, spot) are reported with the cloud's usual
 * values and nothing used.
 */
export function ecsLimitRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { project_id: string } }>(
      "/v1/:project_id/cloudservers/limits",
      {
        schema: {
          operationId: "showServerLimits",
          tags: ["ECS"],
          summary: "Show the project's ECS limits and their use",
          response: ok(ecsAnswers.limits),
        },
        // Chosen (the reference's pages are silent on limits).
        config: { permission: act("ecs:quotas:get"), errors },
      },
      async (request) => {
        const usage = await projectQuotaUsage(context, callerOf(request));
        const { quotas } = usage;
        return {
          absolute: {
            maxImageMeta: 128,
            maxPersonality: 5,
            maxPersonalitySize: 10240,
            maxSecurityGroupRules: quotas.securityGroupRule,
            maxSecurityGroups: quotas.securityGroup,
            maxServerGroupMembers: 16,
            maxServerGroups: 10,
            maxServerMeta: 10,
            maxTotalCores: quotas.cores,
            maxTotalFloatingIps: quotas.publicIp,
            maxTotalInstances: quotas.instances,
            maxTotalKeypairs: 100,
            maxTotalRAMSize: quotas.ramMb,
            totalCoresUsed: usage.cores,
            totalFloatingIpsUsed: 0,
            totalInstancesUsed: usage.instances,
            totalRAMUsed: usage.ramMb,
            totalSecurityGroupsUsed: 0,
            totalServerGroupsUsed: 0,
            maxTotalSpotInstances: 0,
            maxTotalSpotCores: 0,
            maxTotalSpotRAMSize: 0,
            totalSpotInstancesUsed: 0,
            totalSpotCoresUsed: 0,
            totalSpotRAMUsed: 0,
            limit_by_flavor: [],
          },
        };
      },
    );
  };
}
