import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { DEFAULT_SECURITY, type SecuritySettings } from "./auth/security-settings.js";
import { registerPublicUrl } from "./http/base-url.js";
import { ecsRoutes } from "./http/ecs/routes.js";
import { auditRoutes } from "./http/iam/audit-routes.js";
import { iamRoutes } from "./http/iam/routes.js";
import { tokenRoutes } from "./http/iam/token-routes.js";
import { neutronNetworkRoutes } from "./http/neutron/networks.js";
import { neutronRoutes } from "./http/neutron/routes.js";
import { registerAudit } from "./http/plugins/audit.js";
import { registerAuthentication } from "./http/plugins/authenticate.js";
import { registerBodyParsing } from "./http/plugins/body-parsing.js";
import { clientErrorHandler, registerHostCheck } from "./http/plugins/client-errors.js";
import { registerErrorHandler, sendError } from "./http/plugins/error-handler.js";
import { registerRateLimit } from "./http/plugins/rate-limit.js";
import { newRequestId, registerRequestId } from "./http/plugins/request-id.js";
import { registerTextGuard } from "./http/plugins/text-guard.js";
import { registerValidation } from "./http/plugins/validation.js";
import { vpcRoutes } from "./http/vpc/routes.js";
import { AuditTrail } from "./usecases/audit/audit-trail.js";
import type { UseCaseContext } from "./usecases/context.js";
import { IdentityCache, userOfToken } from "./usecases/iam/authenticate.js";
import "./http/request-context.js";

export interface AppOptions {
  context: UseCaseContext;
  logger?: FastifyServerOptions["logger"];
  bodyLimit?: number;
  /** Rate limit, lock-outs, request timeout (see DEFAULT_SECURITY). */
  security?: Partial<SecuritySettings>;
  /** Base URL written into the token catalog and `*_links` (never taken from the request's Host header). */
  publicUrl?: string;
  /** Record the audit trail (default true). */
  audit?: boolean;
}

/** The whole API on one origin, as the cloud's services appear to a client pointed at one endpoint. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const security: SecuritySettings = { ...DEFAULT_SECURITY, ...options.security };
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: newRequestId,
    bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    return503OnClosing: false,
    // Malformed HTTP and a missing Host are answered by us, in the gateway's envelope with a request id.
    clientErrorHandler,
    http: { requireHostHeader: false, ...connectionLimits(security.requestTimeoutMs) },
    // A slow client (headers or body trickling in) is cut off instead of holding a connection for ever.
    requestTimeout: security.requestTimeoutMs,
    // A path Fastify cannot decode (e.g. a stray `%`) fails before any hook runs: answer it in the gateway's shape.
    frameworkErrors: (error, request, reply) => {
      reply.header("X-Request-Id", request.id);
      sendError(reply, "malformedRequest", error.message);
    },
  });
  registerPublicUrl(app, options.publicUrl);
  const cache = new IdentityCache(security);
  registerRequestId(app);
  registerHostCheck(app);
  registerRateLimit(app, security.rateLimit, (token) => userOfToken(options.context, cache, token));
  const trail = new AuditTrail(options.context, security.auditRetentionDays, (error) =>
    app.log.warn({ err: error }, "writing the audit trail failed"),
  );
  if (options.audit !== false) registerAudit(app, trail);
  registerBodyParsing(app, bodyLimit);
  registerValidation(app);
  registerErrorHandler(app);
  registerAuthentication(app, options.context, cache);
  registerTextGuard(app);
  await app.register(iamRoutes(options.context, cache));
  await app.register(auditRoutes(options.context));
  await app.register(tokenRoutes(options.context, cache));
  await app.register(vpcRoutes(options.context));
  await app.register(neutronRoutes(options.context));
  await app.register(neutronNetworkRoutes(options.context));
  await app.register(ecsRoutes(options.context));
  return app;
}

/** Node's own limits on a connection: headers at most 16 KiB and within the request timeout, checked often enough. */
function connectionLimits(requestTimeoutMs: number) {
  if (requestTimeoutMs <= 0) return { maxHeaderSize: 16 * 1024 };
  return {
    maxHeaderSize: 16 * 1024,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
  };
}
