import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import { listAuditRecords } from "../../usecases/audit/audit-trail.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { isAccountAdmin } from "../../usecases/iam/is-admin.js";
import { ok } from "../openapi/answers.js";
import { ADMIN } from "../permission.js";
import type { RouteErrors } from "../request-context.js";
import { callerOf } from "../request-context.js";
import { iamAnswers } from "./answers.js";

const errors: RouteErrors = { invalid: "iamInvalidRequest", internal: "iamInternal", busy: "iamInternal" };

const querySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    since: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T" },
    project_id: { type: "string", maxLength: 64 },
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

/**
 * GET /v3/ecs-vip/audit-records: the caller's account's audit trail, newest last; only for the account's
 * administrators (its `admin` group). Not a cloud API: ecs-vip's own, beside `ecs-vip audit`.
 */
export function auditRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { since?: string; project_id?: string; limit: number } }>(
      "/v3/ecs-vip/audit-records",
      {
        schema: {
          operationId: "listAuditRecords",
          tags: ["IAM"],
          summary: "The audit trail of the caller's account (its admin user only)",
          response: ok(iamAnswers.auditRecords),
          querystring: querySchema,
        },
        config: { permission: ADMIN, raises: ["iamForbidden"], errors },
      },
      async (request) => {
        const caller = callerOf(request);
        if (!(await isAccountAdmin(context, caller))) fail("iamForbidden");
        const records = await listAuditRecords(context, {
          accountId: caller.accountId,
          since: request.query.since,
          projectId: request.query.project_id,
          limit: request.query.limit,
        });
        return { records: records.map(auditBody) };
      },
    );
  };
}

export function auditBody(record: Awaited<ReturnType<typeof listAuditRecords>>[number]) {
  return {
    time: record.time,
    account: record.accountId,
    user: record.userId,
    access_key: record.accessKey,
    project_id: record.projectId,
    action: record.action,
    target: record.target,
    status: record.status,
    code: record.code,
    request_id: record.requestId,
    source: record.source,
  };
}
