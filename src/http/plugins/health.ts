import type { FastifyInstance } from "fastify";
import type { Readiness } from "../../operations/readiness.js";

/** `GET /healthz`: the process answers. `GET /readyz`: every readiness check holds (503 with the reasons if not). */
export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  app.get("/healthz", { config: { public: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { config: { public: true } }, async (_request, reply) => {
    const { ready, checks } = await readiness.evaluate();
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });
}
