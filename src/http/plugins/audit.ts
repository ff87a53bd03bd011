import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuditTrail } from "../../usecases/audit/audit-trail.js";
import { credentialsOf } from "../credentials.js";

declare module "fastify" {
  interface FastifyReply {
    /** The cloud error code the answer carries, for the audit trail. */
    errorCode?: string;
  }
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The user name a password login tried (never the password), for failed logins that have no caller. */
function attemptedUser(request: FastifyRequest): string {
  const body = request.body as { auth?: { identity?: { password?: { user?: { name?: unknown } } } } } | undefined;
  const name = body?.auth?.identity?.password?.user?.name;
  return typeof name === "string" ? name.slice(0, 64) : "";
}

/** The path's parameters but the project, comma-separated: what the request acted on. */
function targetOf(params: Record<string, string>): string {
  let target: string | undefined;
  for (const key in params) {
    if (key === "project_id" || !Object.hasOwn(params, key)) continue;
    target = target === undefined ? params[key] : `${target},${params[key]}`;
  }
  return target ?? "";
}

/** Every state-changing request and every refused authentication, recorded after the answer is sent. */
export function registerAudit(app: FastifyInstance, trail: AuditTrail): void {
  app.addHook("onResponse", (request, reply, done) => {
    const status = reply.statusCode;
    const authFailure = status === 401 || status === 403;
    if (request.is404 || (READS.has(request.method) && !authFailure)) return done();
    const params = (request.params ?? {}) as Record<string, string>;
    trail.record({
      accountId: request.caller?.accountId ?? "",
      userId: request.caller?.userId ?? attemptedUser(request),
      accessKey: credentialsOf(request).signature?.accessKey ?? "",
      projectId: request.caller?.projectId ?? params.project_id ?? "",
      action: `${request.method} ${request.routeOptions.url ?? request.url.split("?")[0]}`,
      target: targetOf(params),
      status,
      code: reply.errorCode ?? "",
      requestId: String(request.id),
      source: request.ip,
    });
    done();
  });
  app.addHook("onClose", async () => trail.flush());
}
