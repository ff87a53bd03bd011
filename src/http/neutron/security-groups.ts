import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { NEUTRON_SECURITY_GROUP_ERRORS as ERR } from "../../usecases/security-groups/errors.js";
import {
  createSecurityGroup,
  deleteSecurityGroup,
  listSecurityGroups,
  showSecurityGroup,
  updateSecurityGroup,
} from "../../usecases/security-groups/groups.js";
import {
  createSecurityGroupRule,
  deleteSecurityGroupRule,
  listSecurityGroupRules,
  showSecurityGroupRule,
} from "../../usecases/security-groups/rules.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { ruleRequest } from "../vpc/security-groups.js";
import { collectionAnswer } from "./collection.js";
import { acceptPythonBooleans, selectFields } from "./query.js";
import { expectedRevision } from "./revisions.js";
import { type ShowQuery, showQuerySchema } from "./router-schemas.js";
import { neutronRuleBody, neutronSecurityGroupBody } from "./security-group-mappers.js";
import {
  type NeutronCreateRuleBody,
  type NeutronListRulesQuery,
  type NeutronListSecurityGroupsQuery,
  type NeutronSecurityGroupBody,
  neutronCreateRuleSchema,
  neutronCreateSecurityGroupSchema,
  neutronListRulesQuerySchema,
  neutronListSecurityGroupsQuerySchema,
  neutronUpdateSecurityGroupSchema,
} from "./security-group-schemas.js";

const errors: RouteErrors = { invalid: "neutronBadRequest", internal: "neutronInternal", busy: "neutronConflict" };

/** Another project's filter matches nothing, as Neutron answers a tenant asking for someone else's rows. */
function foreign(caller: Caller, query: { tenant_id?: string; project_id?: string }): boolean {
  const owner = query.project_id ?? query.tenant_id;
  return owner !== undefined && owner !== caller.projectId;
}

const ids = (id: string | string[] | undefined) => (id === undefined ? undefined : [id].flat());

/** Neutron `/v2.0/security-groups` and `/v2.0/security-group-rules`. */
export function neutronSecurityGroupRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.post<{ Body: NeutronSecurityGroupBody }>(
      "/v2.0/security-groups",
      { schema: { body: neutronCreateSecurityGroupSchema }, config: { errors } },
      async (request, reply) => {
        const { security_group: group } = request.body;
        const view = await createSecurityGroup(
          context,
          callerOf(request),
          { name: group.name ?? "", description: group.description ?? "", vpcId: "" },
          ERR,
        );
        return reply.code(201).send({ security_group: neutronSecurityGroupBody(view) });
      },
    );
    app.get<{ Querystring: NeutronListSecurityGroupsQuery }>(
      "/v2.0/security-groups",
      { schema: { querystring: neutronListSecurityGroupsQuerySchema }, config: { errors } },
      async (request) => {
        const caller = callerOf(request);
        const { query } = request;
        if (foreign(caller, query)) return { security_groups: [] };
        const views = await listSecurityGroups(context, caller, {
          ids: ids(query.id),
          name: query.name,
          description: query.description,
        });
        return collectionAnswer(request, "security_groups", views.map(neutronSecurityGroupBody), query);
      },
    );
    app.get<{ Params: { id: string }; Querystring: ShowQuery }>(
      "/v2.0/security-groups/:id",
      { schema: { querystring: showQuerySchema }, config: { errors } },
      async (request) => ({
        security_group: selectFields(
          neutronSecurityGroupBody(await showSecurityGroup(context, callerOf(request), request.params.id, ERR)),
          request.query.fields,
        ),
      }),
    );
    app.put<{ Params: { id: string }; Body: NeutronSecurityGroupBody }>(
      "/v2.0/security-groups/:id",
      { schema: { body: neutronUpdateSecurityGroupSchema }, config: { errors } },
      async (request) => {
        const { security_group: group } = request.body;
        const view = await updateSecurityGroup(
          context,
          callerOf(request),
          request.params.id,
          group,
          ERR,
          expectedRevision(request),
        );
        return { security_group: neutronSecurityGroupBody(view) };
      },
    );
    app.delete<{ Params: { id: string } }>(
      "/v2.0/security-groups/:id",
      { config: { errors } },
      async (request, reply) => {
        await deleteSecurityGroup(context, callerOf(request), request.params.id, ERR);
        return reply.code(204).send();
      },
    );

    app.post<{ Body: NeutronCreateRuleBody }>(
      "/v2.0/security-group-rules",
      { schema: { body: neutronCreateRuleSchema }, config: { errors } },
      async (request, reply) => {
        const given = request.body.security_group_rule;
        if (given.remote_address_group_id) {
          fail("neutronInvalidInput", "IP address groups are not supported.");
        }
        const protocol = typeof given.protocol === "number" ? String(given.protocol) : given.protocol;
        const body = { security_group_rule: { ...given, protocol } };
        const rule = await createSecurityGroupRule(context, callerOf(request), ruleRequest(body), ERR);
        return reply.code(201).send({ security_group_rule: neutronRuleBody(rule) });
      },
    );
    app.get<{ Querystring: NeutronListRulesQuery }>(
      "/v2.0/security-group-rules",
      { schema: { querystring: neutronListRulesQuerySchema }, config: { errors } },
      async (request) => {
        const caller = callerOf(request);
        const { query } = request;
        if (foreign(caller, query)) return { security_group_rules: [] };
        const rules = await listSecurityGroupRules(context, caller, {
          ids: ids(query.id),
          securityGroupId: query.security_group_id,
          direction: query.direction,
          ethertype: query.ethertype,
          protocol: query.protocol,
          remoteGroupId: query.remote_group_id,
          remoteIpPrefix: query.remote_ip_prefix,
          portRangeMin: query.port_range_min,
          portRangeMax: query.port_range_max,
        });
        return collectionAnswer(request, "security_group_rules", rules.map(neutronRuleBody), query);
      },
    );
    app.get<{ Params: { id: string }; Querystring: ShowQuery }>(
      "/v2.0/security-group-rules/:id",
      { schema: { querystring: showQuerySchema }, config: { errors } },
      async (request) => ({
        security_group_rule: selectFields(
          neutronRuleBody(await showSecurityGroupRule(context, callerOf(request), request.params.id, ERR)),
          request.query.fields,
        ),
      }),
    );
    app.delete<{ Params: { id: string } }>(
      "/v2.0/security-group-rules/:id",
      { config: { errors } },
      async (request, reply) => {
        await deleteSecurityGroupRule(context, callerOf(request), request.params.id, ERR);
        return reply.code(204).send();
      },
    );
  };
}
