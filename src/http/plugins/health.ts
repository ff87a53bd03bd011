import type { FastifyInstance } from "fastify";
import type { Readiness } from "../../operations/readiness.js";
import { ok, shape, str } from "../openapi/answers.js";
import { PUBLIC } from "../permission.js";

const healthAnswer = shape("status", { checks: { type: "object", additionalProperties: str } });

/** `GET /healthz`: the process answers. `GET /readyz`: every readiness check holds (503 with the reasons if not). */
export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  app.get(
    "/healthz",
    {
      schema: {
        operationId: "checkHealth",
        tags: ["Operations"],
        summary: "The process is alive",
        response: ok(healthAnswer),
      },
      config: { permission: PUBLIC },
    },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/readyz",
    {
      schema: {
        operationId: "checkReadiness",
        tags: ["Operations"],
        summary: "Store reachable, migrations applied, data plane reconciled where it is on (503 when not)",
        response: ok(healthAnswer),
      },
      config: { permission: PUBLIC },
    },
    async (_request, reply) => {
      const { ready, checks } = await readiness.evaluate();
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
    },
  );
}
