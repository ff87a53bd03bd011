import type { FastifyInstance, FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import { FaultRuleError, type FaultRuleInput, type FaultRules, faultRuleBody } from "../../faults/rules.js";
import type { UseCaseContext } from "../../usecases/context.js";
import { isAccountAdmin } from "../../usecases/iam/is-admin.js";
import { ok } from "../openapi/answers.js";
import { ADMIN } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { faultAnswers } from "./answers.js";
import { addFaultSchema, ruleIdParamsSchema } from "./schemas.js";

const errors: RouteErrors = { invalid: "malformedRequest", internal: "gatewayInternal", busy: "gatewayInternal" };

/** `/ecs-vip/v1/faults`: list, add and clear fault rules; the account's admin user only. */
export function faultRoutes(context: UseCaseContext, faults: FaultRules) {
  return async (app: FastifyInstance) => {
    app.addHook("preHandler", async (request: FastifyRequest) => {
      if (!(await isAccountAdmin(context, callerOf(request)))) {
        fail("forbidden", "Only the account's admin user may manage fault rules.");
      }
    });

    app.get(
      "/ecs-vip/v1/faults",
      {
        schema: {
          operationId: "listFaults",
          tags: ["Fault injection"],
          summary: "List fault rules (admin user only)",
          response: ok(faultAnswers.faultRules),
        },
        config: { permission: ADMIN, raises: ["forbidden"], errors },
      },
      async () => ({
        rules: faults.list().map(faultRuleBody),
      }),
    );

    app.post<{ Body: FaultRuleInput }>(
      "/ecs-vip/v1/faults",
      {
        schema: {
          operationId: "addFault",
          tags: ["Fault injection"],
          summary: "Add a fault rule (admin user only)",
          response: ok(faultAnswers.faultRule, 201),
          body: addFaultSchema,
        },
        config: { permission: ADMIN, raises: ["forbidden"], errors },
      },
      async (request, reply) => {
        try {
          return reply.code(201).send({ rule: faultRuleBody(faults.add(request.body)) });
        } catch (error) {
          if (error instanceof FaultRuleError) fail("malformedRequest", error.message);
          throw error;
        }
      },
    );

    app.delete(
      "/ecs-vip/v1/faults",
      {
        schema: {
          operationId: "clearFaults",
          tags: ["Fault injection"],
          summary: "Remove every fault rule (admin user only)",
          response: ok(faultAnswers.faultsCleared),
        },
        config: { permission: ADMIN, raises: ["forbidden"], errors },
      },
      async () => ({ cleared: faults.clear() }),
    );

    app.delete<{ Params: { rule_id: string } }>(
      "/ecs-vip/v1/faults/:rule_id",
      {
        schema: {
          operationId: "deleteFault",
          tags: ["Fault injection"],
          summary: "Remove one fault rule (admin user only)",
          response: ok(faultAnswers.faultsCleared),
          params: ruleIdParamsSchema,
        },
        config: { permission: ADMIN, raises: ["forbidden", "faultRuleNotFound"], errors },
      },
      async (request) => {
        if (!faults.remove(request.params.rule_id)) fail("faultRuleNotFound");
        return { cleared: 1 };
      },
    );
  };
}
