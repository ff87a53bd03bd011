import type { FastifyInstance } from "fastify";
import type { FaultRules } from "../../faults/rules.js";
import type { AppMetrics } from "../../operations/metrics.js";
import { sendError } from "./error-handler.js";

/** ecs-vip's own routes (documentation, health, metrics, the fault rules themselves) are never faulted. */
const EXEMPT = new Set([
  "showOpenApiDocument",
  "showDocs",
  "checkHealth",
  "checkReadiness",
  "showMetrics",
  "listFaults",
  "addFault",
  "clearFaults",
  "deleteFault",
]);

/**
 * Applies the first matching fault rule once the request is authenticated and valid, before its handler (and so its
 * use case) runs: an injected error or a dropped connection never changes state; latency delays, then lets it run.
 */
export function registerFaultInjection(app: FastifyInstance, faults: FaultRules, metrics: AppMetrics): void {
  // Written with `done`, not async: almost every request finds no rule and goes on at once. A request answered or
  // dropped here goes no further (`done` is not called).
  app.addHook("preHandler", (request, reply, done) => {
    const operation = request.routeOptions.config.operationId;
    if (!operation || EXEMPT.has(operation)) return done();
    const project = request.caller?.projectId ?? (request.params as Record<string, string> | undefined)?.project_id;
    const rule = faults.take(operation, project);
    if (!rule) return done();
    const { action } = rule;
    metrics.faultsInjected.inc({ operation, action: action.kind });
    request.log.warn({ reqId: request.id, faultRule: rule.id, operation, fault: action }, "fault injected");
    if (action.kind === "latency") {
      setTimeout(() => done(), action.ms);
      return;
    }
    if (action.kind === "drop") {
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    sendError(reply, action.errorId);
  });
}
