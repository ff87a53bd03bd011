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
  app.addHook("preHandler", async (request, reply) => {
    const operation = request.routeOptions.config.operationId;
    if (!operation || EXEMPT.has(operation)) return;
    const project = request.caller?.projectId ?? (request.params as Record<string, string> | undefined)?.project_id;
    const rule = faults.take(operation, project);
    if (!rule) return;
    const { action } = rule;
    metrics.faultsInjected.inc({ operation, action: action.kind });
    request.log.warn({ reqId: request.id, faultRule: rule.id, operation, fault: action }, "fault injected");
    if (action.kind === "latency") {
      await new Promise((resolve) => setTimeout(resolve, action.ms));
      return;
    }
    if (action.kind === "drop") {
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    return sendError(reply, action.errorId);
  });
}
