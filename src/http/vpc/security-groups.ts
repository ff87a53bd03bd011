import type { FastifyInstance, FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { changePortsOfGroup } from "../../usecases/security-groups/batch-ports.js";
import { VPC_SECURITY_GROUP_ERRORS as ERR } from "../../usecases/security-groups/errors.js";
import {
  createSecurityGroup,
  deleteSecurityGroup,
  listSecurityGroups,
  showSecurityGroup,
} from "../../usecases/security-groups/groups.js";
import {
  createSecurityGroupRule,
  deleteSecurityGroupRule,
  listSecurityGroupRules,
  showSecurityGroupRule,
} from "../../usecases/security-groups/rules.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { sharedAnswers } from "../shared/answers.js";
import { type CreateRuleBody, createRuleSchema, ruleRequest } from "../shared/security-group-rules.js";
import { vpcAnswers } from "./answers.js";
import { vpcRuleBody, vpcSecurityGroupBody } from "./security-group-mappers.js";
import {
  type CreateSecurityGroupBody,
  createSecurityGroupSchema,
  type ListRulesQuery,
  type ListSecurityGroupsQuery,
  listRulesQuerySchema,
  listSecurityGroupsQuerySchema,
} from "./security-group-schemas.js";

const errors: RouteErrors = {
  invalid: "sgInvalidParameter",
  projectMismatch: "vpcProjectMismatch",
  internal: "vpcInternal",
  busy: "vpcBusy",
};
const DEFAULT_LIMIT = 2000;
const batchErrors: RouteErrors = { ...errors, invalid: "sgBatchInvalid" };

/** At most 20 ports per request; `action` is add or remove in any letter case. */
const portsActionSchema = {
  type: "object",
  required: ["ports", "action"],
  properties: {
    ports: {
      type: "array",
      minItems: 1,
      maxItems: 20,
      items: { type: "object", required: ["id"], properties: { id: { type: "string", minLength: 1, maxLength: 64 } } },
    },
    action: { type: "string", pattern: "^[Aa][Dd][Dd]$|^[Rr][Ee][Mm][Oo][Vv][Ee]$" },
  },
} as const;

interface PortsActionBody {
  ports: { id: string }[];
  action: string;
}

type PortsActionRoute = { Params: ProjectParams & { security_group_id: string }; Body: PortsActionBody };
type ProjectParams = { project_id: string };

/** VPC v1 `/v1/{project_id}/security-groups` and `/security-group-rules`. */
export function vpcSecurityGroupRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: CreateSecurityGroupBody }>(
      "/v1/:project_id/security-groups",
      {
        schema: {
          operationId: "createSecurityGroup",
          tags: ["VPC"],
          summary: "Create a security group",
          response: ok(sharedAnswers.securityGroup),
          body: createSecurityGroupSchema,
        },
        config: { permission: act("vpc:securityGroups:create"), errors },
      },
      async (request) => {
        const { security_group: group } = request.body;
        const view = await createSecurityGroup(
          context,
          callerOf(request),
          { name: group.name, description: group.description ?? "", vpcId: group.vpc_id ?? "" },
          ERR,
        );
        return { security_group: vpcSecurityGroupBody(view) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: ListSecurityGroupsQuery }>(
      "/v1/:project_id/security-groups",
      {
        schema: {
          operationId: "listSecurityGroups",
          tags: ["VPC"],
          summary: "List security groups",
          response: ok(sharedAnswers.securityGroups),
          querystring: listSecurityGroupsQuerySchema,
        },
        config: { permission: act("vpc:securityGroups:get"), errors },
      },
      async (request) => {
        const { query } = request;
        const views = await listSecurityGroups(context, callerOf(request), {
          vpcId: query.vpc_id,
          page: { limit: query.limit || DEFAULT_LIMIT, marker: query.marker },
        });
        return { security_groups: views.map(vpcSecurityGroupBody) };
      },
    );
    app.get<{ Params: ProjectParams & { security_group_id: string } }>(
      "/v1/:project_id/security-groups/:security_group_id",
      {
        schema: {
          operationId: "showSecurityGroup",
          tags: ["VPC"],
          summary: "Show a security group with its rules",
          response: ok(sharedAnswers.securityGroup),
        },
        config: { permission: act("vpc:securityGroups:get"), raises: ["sgNotFound"], errors },
      },
      async (request) => ({
        security_group: vpcSecurityGroupBody(
          await showSecurityGroup(context, callerOf(request), request.params.security_group_id, ERR),
        ),
      }),
    );
    app.delete<{ Params: ProjectParams & { security_group_id: string } }>(
      "/v1/:project_id/security-groups/:security_group_id",
      {
        schema: {
          operationId: "deleteSecurityGroup",
          tags: ["VPC"],
          summary: "Delete a security group no port uses (not the default)",
          response: noContent,
        },
        config: {
          permission: act("vpc:securityGroups:delete"),
          raises: ["sgNotFound", "sgDefaultUndeletable", "sgInUse"],
          errors,
        },
      },
      async (request, reply) => {
        await deleteSecurityGroup(context, callerOf(request), request.params.security_group_id, ERR);
        return reply.code(204).send();
      },
    );

    // The reference's URI is /v2.0/{project_id}/…; its example request uses /v1/{project_id}/…: both answer.
    const changePorts = async (request: FastifyRequest<PortsActionRoute>) => {
      const failures = await changePortsOfGroup(
        context,
        callerOf(request),
        request.params.security_group_id,
        request.body.ports.map((port) => port.id),
        request.body.action.toLowerCase() === "add" ? "add" : "remove",
      );
      return {
        fail: failures.map((failure) => ({
          id: failure.id,
          error_code: failure.errorCode,
          error_msg: failure.errorMsg,
        })),
      };
    };
    app.post<PortsActionRoute>(
      "/v1/:project_id/security-groups/:security_group_id/instance/action",
      {
        schema: {
          operationId: "batchCreateOrDeleteSecurityGroupPorts",
          tags: ["VPC"],
          summary: "Associate up to 20 ports with a security group, or disassociate them (failures per port in `fail`)",
          response: ok(vpcAnswers.portGroupAction),
          body: portsActionSchema,
        },
        // The batch action adds ports to a group or takes them out: it changes ports (chosen).
        config: { permission: act("vpc:ports:update"), raises: ["sgNotFound"], errors: batchErrors },
      },
      changePorts,
    );
    app.post<PortsActionRoute>(
      "/v2.0/:project_id/security-groups/:security_group_id/instance/action",
      {
        schema: {
          operationId: "batchCreateOrDeleteSecurityGroupPortsV2",
          tags: ["VPC"],
          summary: "The same, at the path the reference's URI gives",
          response: ok(vpcAnswers.portGroupAction),
          body: portsActionSchema,
        },
        config: { permission: act("vpc:ports:update"), raises: ["sgNotFound"], errors: batchErrors },
      },
      changePorts,
    );

    app.post<{ Params: ProjectParams; Body: CreateRuleBody }>(
      "/v1/:project_id/security-group-rules",
      {
        schema: {
          operationId: "createSecurityGroupRule",
          tags: ["VPC"],
          summary: "Create a security group rule",
          response: ok(sharedAnswers.securityGroupRule),
          body: createRuleSchema,
        },
        // Rule actions: chosen, after the groups' own actions.
        config: { permission: act("vpc:securityGroupRules:create"), raises: ["sgNotFound", "sgRuleExists"], errors },
      },
      async (request) => {
        if (request.body.security_group_rule.remote_address_group_id) {
          fail("sgInvalidParameter", "IP address groups are not supported.");
        }
        const rule = await createSecurityGroupRule(context, callerOf(request), ruleRequest(request.body), ERR);
        return { security_group_rule: vpcRuleBody(rule) };
      },
    );
    app.get<{ Params: ProjectParams; Querystring: ListRulesQuery }>(
      "/v1/:project_id/security-group-rules",
      {
        schema: {
          operationId: "listSecurityGroupRules",
          tags: ["VPC"],
          summary: "List security group rules",
          response: ok(sharedAnswers.securityGroupRules),
          querystring: listRulesQuerySchema,
        },
        config: { permission: act("vpc:securityGroupRules:get"), errors },
      },
      async (request) => {
        const { query } = request;
        const rules = await listSecurityGroupRules(context, callerOf(request), {
          securityGroupId: query.security_group_id,
          remoteIpPrefix: query.remote_ip_prefix,
          page: { limit: query.limit || DEFAULT_LIMIT, marker: query.marker },
        });
        return { security_group_rules: rules.map(vpcRuleBody) };
      },
    );
    app.get<{ Params: ProjectParams & { rule_id: string } }>(
      "/v1/:project_id/security-group-rules/:rule_id",
      {
        schema: {
          operationId: "showSecurityGroupRule",
          tags: ["VPC"],
          summary: "Show a security group rule",
          response: ok(sharedAnswers.securityGroupRule),
        },
        config: { permission: act("vpc:securityGroupRules:get"), raises: ["sgRuleNotFound"], errors },
      },
      async (request) => ({
        security_group_rule: vpcRuleBody(
          await showSecurityGroupRule(context, callerOf(request), request.params.rule_id, ERR),
        ),
      }),
    );
    app.delete<{ Params: ProjectParams & { rule_id: string } }>(
      "/v1/:project_id/security-group-rules/:rule_id",
      {
        schema: {
          operationId: "deleteSecurityGroupRule",
          tags: ["VPC"],
          summary: "Delete a security group rule",
          response: noContent,
        },
        config: { permission: act("vpc:securityGroupRules:delete"), raises: ["sgRuleNotFound"], errors },
      },
      async (request, reply) => {
        await deleteSecurityGroupRule(context, callerOf(request), request.params.rule_id, ERR);
        return reply.code(204).send();
      },
    );
  };
}
