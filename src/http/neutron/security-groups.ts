import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { actingFor, actingForEach } from "../../usecases/neutron/acting-for.js";
import { NEUTRON_SECURITY_GROUP_ERRORS as ERR } from "../../usecases/security-groups/errors.js";
import {
  createSecurityGroups,
  deleteSecurityGroup,
  listSecurityGroups,
  type SecurityGroupView,
  showSecurityGroup,
  updateSecurityGroup,
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
import { listOf } from "../shared/list-query.js";
import { ruleRequest } from "../shared/security-group-rules.js";
import { unwrapBulkItems } from "./bulk.js";
import { collectionAnswer } from "./collection.js";
import { namedProject } from "./named-project.js";
import { acceptPythonBooleans, type ShowQuery, selectFields, showQuerySchema } from "./query.js";
import { expectedRevision } from "./revisions.js";
import { neutronRuleBody, neutronSecurityGroupBody } from "./security-group-mappers.js";
import {
  type NeutronCreateRuleBody,
  type NeutronCreateSecurityGroupBody,
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

/** Neutron `/v2.0/security-groups` and `/v2.0/security-group-rules`. */
export function neutronSecurityGroupRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.post<{ Body: NeutronCreateSecurityGroupBody }>(
      "/v2.0/security-groups",
      {
        schema: {
          operationId: "neutronCreateSecurityGroup",
          tags: ["Neutron"],
          summary: "Create a security group, or several at once (all or none)",
          response: ok(sharedAnswers.securityGroup, 201),
          body: neutronCreateSecurityGroupSchema,
        },
        preValidation: unwrapBulkItems("security_group"),
        config: {
          permission: act("vpc:securityGroups:create"),
          raises: ["neutronSgDefaultExists", "neutronInvalidInput", "neutronBadRequest"],
          errors,
        },
      },
      async (request, reply) => {
        const { security_group: group, security_groups: groups } = request.body;
        const items = groups ?? (group ? [group] : []);
        const callers = await actingForEach(context, callerOf(request), items.map(namedProject));
        const inputs = items.map((one) => ({ name: one.name ?? "", description: one.description ?? "", vpcId: "" }));
        const views = await createSecurityGroups(context, callers, inputs, ERR);
        if (groups) return reply.code(201).send({ security_groups: views.map(neutronSecurityGroupBody) });
        return reply.code(201).send({ security_group: neutronSecurityGroupBody(views[0] as SecurityGroupView) });
      },
    );
    app.get<{ Querystring: NeutronListSecurityGroupsQuery }>(
      "/v2.0/security-groups",
      {
        schema: {
          operationId: "neutronListSecurityGroups",
          tags: ["Neutron"],
          summary: "List security groups",
          response: ok(sharedAnswers.securityGroups),
          querystring: neutronListSecurityGroupsQuerySchema,
        },
        config: { permission: act("vpc:securityGroups:get"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const { query } = request;
        if (foreign(caller, query)) return { security_groups: [] };
        const views = await listSecurityGroups(context, caller, {
          ids: listOf(query.id),
          name: query.name,
          description: query.description,
        });
        return collectionAnswer(request, "security_groups", views.map(neutronSecurityGroupBody), query);
      },
    );
    app.get<{ Params: { id: string }; Querystring: ShowQuery }>(
      "/v2.0/security-groups/:id",
      {
        schema: {
          operationId: "neutronShowSecurityGroup",
          tags: ["Neutron"],
          summary: "Show a security group",
          response: ok(sharedAnswers.securityGroup),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:securityGroups:get"), raises: ["neutronSgNotFound"], errors },
      },
      async (request) => ({
        security_group: selectFields(
          neutronSecurityGroupBody(await showSecurityGroup(context, callerOf(request), request.params.id, ERR)),
          request.query.fields,
        ),
      }),
    );
    app.put<{ Params: { id: string }; Body: NeutronSecurityGroupBody }>(
      "/v2.0/security-groups/:id",
      {
        schema: {
          operationId: "neutronUpdateSecurityGroup",
          tags: ["Neutron"],
          summary: "Update a security group's name or description",
          response: ok(sharedAnswers.securityGroup),
          body: neutronUpdateSecurityGroupSchema,
        },
        config: {
          permission: act("vpc:securityGroups:update"),
          raises: [
            "neutronSgNotFound",
            "neutronSgDefaultUnchangeable",
            "neutronSgDefaultExists",
            "neutronRevisionMismatch",
          ],
          errors,
        },
      },
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
      {
        schema: {
          operationId: "neutronDeleteSecurityGroup",
          tags: ["Neutron"],
          summary: "Delete a security group (its rules go with it)",
          response: noContent,
        },
        config: {
          permission: act("vpc:securityGroups:delete"),
          raises: ["neutronSgNotFound", "neutronSgDefaultUndeletable", "neutronSgInUse"],
          errors,
        },
      },
      async (request, reply) => {
        await deleteSecurityGroup(context, callerOf(request), request.params.id, ERR);
        return reply.code(204).send();
      },
    );

    app.post<{ Body: NeutronCreateRuleBody }>(
      "/v2.0/security-group-rules",
      {
        schema: {
          operationId: "neutronCreateSecurityGroupRule",
          tags: ["Neutron"],
          summary: "Add a rule to a security group",
          response: ok(sharedAnswers.securityGroupRule, 201),
          body: neutronCreateRuleSchema,
        },
        config: {
          permission: act("vpc:securityGroupRules:create"),
          raises: ["neutronInvalidInput", "neutronSgNotFound", "neutronSgRuleExists", "neutronBadRequest"],
          errors,
        },
      },
      async (request, reply) => {
        const given = request.body.security_group_rule;
        if (given.remote_address_group_id) {
          fail("neutronInvalidInput", "IP address groups are not supported.");
        }
        const protocol = typeof given.protocol === "number" ? String(given.protocol) : given.protocol;
        const body = { security_group_rule: { ...given, protocol } };
        const caller = await actingFor(context, callerOf(request), namedProject(given));
        const rule = await createSecurityGroupRule(context, caller, ruleRequest(body), ERR);
        return reply.code(201).send({ security_group_rule: neutronRuleBody(rule) });
      },
    );
    app.get<{ Querystring: NeutronListRulesQuery }>(
      "/v2.0/security-group-rules",
      {
        schema: {
          operationId: "neutronListSecurityGroupRules",
          tags: ["Neutron"],
          summary: "List security group rules",
          response: ok(sharedAnswers.securityGroupRules),
          querystring: neutronListRulesQuerySchema,
        },
        config: { permission: act("vpc:securityGroupRules:get"), errors },
      },
      async (request) => {
        const caller = callerOf(request);
        const { query } = request;
        if (foreign(caller, query)) return { security_group_rules: [] };
        const rules = await listSecurityGroupRules(context, caller, {
          ids: listOf(query.id),
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
      {
        schema: {
          operationId: "neutronShowSecurityGroupRule",
          tags: ["Neutron"],
          summary: "Show a security group rule",
          response: ok(sharedAnswers.securityGroupRule),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:securityGroupRules:get"), raises: ["neutronSgRuleNotFound"], errors },
      },
      async (request) => ({
        security_group_rule: selectFields(
          neutronRuleBody(await showSecurityGroupRule(context, callerOf(request), request.params.id, ERR)),
          request.query.fields,
        ),
      }),
    );
    app.delete<{ Params: { id: string } }>(
      "/v2.0/security-group-rules/:id",
      {
        schema: {
          operationId: "neutronDeleteSecurityGroupRule",
          tags: ["Neutron"],
          summary: "Delete a security group rule",
          response: noContent,
        },
        config: { permission: act("vpc:securityGroupRules:delete"), raises: ["neutronSgRuleNotFound"], errors },
      },
      async (request, reply) => {
        await deleteSecurityGroupRule(context, callerOf(request), request.params.id, ERR);
        return reply.code(204).send();
      },
    );
  };
}
