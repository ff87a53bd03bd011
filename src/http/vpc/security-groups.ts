import type { FastifyInstance } from "fastify";
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
import { callerOf, type RouteErrors } from "../request-context.js";
import { vpcRuleBody, vpcSecurityGroupBody } from "./security-group-mappers.js";
import {
  type CreateRuleBody,
  type CreateSecurityGroupBody,
  createRuleSchema,
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

type ProjectParams = { project_id: string };

/** VPC v1 `/v1/{project_id}/security-groups` and `/security-group-rules`. */
export function vpcSecurityGroupRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: ProjectParams; Body: CreateSecurityGroupBody }>(
      "/v1/:project_id/security-groups",
      { schema: { body: createSecurityGroupSchema }, config: { errors } },
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
      { schema: { querystring: listSecurityGroupsQuerySchema }, config: { errors } },
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
      { config: { errors } },
      async (request) => ({
        security_group: vpcSecurityGroupBody(
          await showSecurityGroup(context, callerOf(request), request.params.security_group_id, ERR),
        ),
      }),
    );
    app.delete<{ Params: ProjectParams & { security_group_id: string } }>(
      "/v1/:project_id/security-groups/:security_group_id",
      { config: { errors } },
      async (request, reply) => {
        await deleteSecurityGroup(context, callerOf(request), request.params.security_group_id, ERR);
        return reply.code(204).send();
      },
    );

    // The reference's URI is /v2.0/{project_id}/…; its example request uses /v1/{project_id}/…: both answer.
    for (const version of ["v1", "v2.0"]) {
      app.post<{ Params: ProjectParams & { security_group_id: string }; Body: PortsActionBody }>(
        `/${version}/:project_id/security-groups/:security_group_id/instance/action`,
        { schema: { body: portsActionSchema }, config: { errors: batchErrors } },
        async (request) => {
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
        },
      );
    }

    app.post<{ Params: ProjectParams; Body: CreateRuleBody }>(
      "/v1/:project_id/security-group-rules",
      { schema: { body: createRuleSchema }, config: { errors } },
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
      { schema: { querystring: listRulesQuerySchema }, config: { errors } },
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
      { config: { errors } },
      async (request) => ({
        security_group_rule: vpcRuleBody(
          await showSecurityGroupRule(context, callerOf(request), request.params.rule_id, ERR),
        ),
      }),
    );
    app.delete<{ Params: ProjectParams & { rule_id: string } }>(
      "/v1/:project_id/security-group-rules/:rule_id",
      { config: { errors } },
      async (request, reply) => {
        await deleteSecurityGroupRule(context, callerOf(request), request.params.rule_id, ERR);
        return reply.code(204).send();
      },
    );
  };
}

/** The rule body as the use case takes it; both APIs send the same shape. */
export function ruleRequest(body: CreateRuleBody) {
  const rule = body.security_group_rule;
  return {
    securityGroupId: rule.security_group_id,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    portRangeMin: rule.port_range_min,
    portRangeMax: rule.port_range_max,
    remoteIpPrefix: rule.remote_ip_prefix === "" ? null : rule.remote_ip_prefix,
    remoteGroupId: rule.remote_group_id === "" ? null : rule.remote_group_id,
    description: rule.description ?? "",
  };
}
