import type { FastifyInstance } from "fastify";
import type { AppMetrics } from "../../operations/metrics.js";

/** Counts and times every answer by route template (unknown paths as `unmatched`), and serves `GET /metrics`. */
export function registerMetrics(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.is404 ? "unmatched" : (request.routeOptions.url ?? "unmatched");
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { config: { public: true } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
