import type { FastifyInstance } from "fastify";
import type { AppMetrics } from "../../operations/metrics.js";
import { textAnswer } from "../openapi/answers.js";
import { PUBLIC } from "../permission.js";

/** Counts and times every answer by route template (unknown paths as `unmatched`), and serves `GET /metrics`. */
export function registerMetrics(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.is404 ? "unmatched" : (request.routeOptions.url ?? "unmatched");
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
  app.get(
    "/metrics",
    {
      schema: {
        operationId: "showMetrics",
        tags: ["Operations"],
        summary: "Prometheus metrics",
        response: textAnswer(),
      },
      config: { permission: PUBLIC },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
