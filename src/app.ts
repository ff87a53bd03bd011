import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { DEFAULT_SECURITY, type SecuritySettings } from "./auth/security-settings.js";
import { type FaultRuleInput, FaultRules } from "./faults/rules.js";
import { registerPublicUrl } from "./http/base-url.js";
import { consoleRoutes } from "./http/console/routes.js";
import { ecsLimitRoutes } from "./http/ecs/limits.js";
import { ecsRoutes } from "./http/ecs/routes.js";
import { eipRoutes } from "./http/eip/routes.js";
import { faultRoutes } from "./http/faults/routes.js";
import { auditRoutes } from "./http/iam/audit-routes.js";
import { domainRoutes } from "./http/iam/domain-routes.js";
import { identityRoutes } from "./http/iam/identity-routes.js";
import { iamRoutes } from "./http/iam/routes.js";
import { tokenRoutes } from "./http/iam/token-routes.js";
import { neutronFloatingIpRoutes } from "./http/neutron/floating-ips.js";
import { neutronNetworkRoutes } from "./http/neutron/networks.js";
import { neutronRouterRoutes } from "./http/neutron/routers.js";
import { neutronRoutes } from "./http/neutron/routes.js";
import { neutronSecurityGroupRoutes } from "./http/neutron/security-groups.js";
import { neutronVersionRoutes } from "./http/neutron/versions.js";
import { registerAudit } from "./http/plugins/audit.js";
import { registerAuthentication } from "./http/plugins/authenticate.js";
import { registerBodyParsing } from "./http/plugins/body-parsing.js";
import { clientErrorHandler, registerHostCheck } from "./http/plugins/client-errors.js";
import { registerErrorHandler, sendError } from "./http/plugins/error-handler.js";
import { registerFaultInjection } from "./http/plugins/fault-injection.js";
import { registerHealth } from "./http/plugins/health.js";
import { registerMetrics } from "./http/plugins/metrics.js";
import { registerOpenApi } from "./http/plugins/openapi.js";
import { registerRateLimit } from "./http/plugins/rate-limit.js";
import { newRequestId, registerRequestId } from "./http/plugins/request-id.js";
import { RequestLog } from "./http/plugins/request-log.js";
import { registerRouteCatalog } from "./http/plugins/route-catalog.js";
import { registerTextGuard } from "./http/plugins/text-guard.js";
import { registerValidation } from "./http/plugins/validation.js";
import { vpcPortRoutes } from "./http/vpc/ports.js";
import { vpcQuotaRoutes } from "./http/vpc/quotas.js";
import { vpcRoutes } from "./http/vpc/routes.js";
import { vpcSecurityGroupRoutes } from "./http/vpc/security-groups.js";
import { vpcUpdateRoutes } from "./http/vpc/updates.js";
import { AppMetrics } from "./operations/metrics.js";
import { observedContext } from "./operations/observed-context.js";
import { Readiness } from "./operations/readiness.js";
import { AuditTrail } from "./usecases/audit/audit-trail.js";
import type { UseCaseContext } from "./usecases/context.js";
import { IdentityCache, tokenClaims } from "./usecases/iam/authenticate.js";
import "./http/request-context.js";
import { packageVersion } from "./version.js";

export interface AppOptions {
  context: UseCaseContext;
  logger?: FastifyServerOptions["logger"];
  bodyLimit?: number;
  /** What `/readyz` checks; the store checks are added to it. A new one when not given. */
  readiness?: Readiness;
  /** Fault rules in force from the start (`--faults FILE`); checked like rules added at run time. */
  faults?: FaultRuleInput[];
  /** Rate limit, lock-outs, request timeout (see DEFAULT_SECURITY). */
  security?: Partial<SecuritySettings>;
  /** Base URL written into the token catalog and `*_links` (never taken from the request's Host header). */
  publicUrl?: string;
  /** Record the audit trail (default true). */
  audit?: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** This app's Prometheus registry and metrics. */
    metrics: AppMetrics;
    /** `/readyz`'s checks: add one with `app.readiness.set(name, check)`. */
    readiness: Readiness;
    /** The fault rules in force in this process. */
    faults: FaultRules;
  }
}

/** The whole API on one origin, as the cloud's services appear to a client pointed at one endpoint. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const security: SecuritySettings = { ...DEFAULT_SECURITY, ...options.security };
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
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
  const cache = new IdentityCache(security);
  const metrics = new AppMetrics();
  const context = observedContext(options.context, metrics);
  const readiness = options.readiness ?? new Readiness();
  readiness.checkStore(() => options.context.store);
  app.decorate("metrics", metrics);
  app.decorate("readiness", readiness);
  registerPublicUrl(app, options.publicUrl);
  registerRequestId(app);
  registerHostCheck(app);
  registerRateLimit(app, security.rateLimit, (token) => tokenClaims(context, cache, token));
  // The trail writes on the store directly: the store metrics count the requests' own units of work.
  const trail = new AuditTrail(options.context, security.auditRetentionDays, (error) =>
    app.log.warn({ err: error }, "writing the audit trail failed"),
  );
  if (options.audit !== false) registerAudit(app, trail);
  registerBodyParsing(app, bodyLimit);
  registerValidation(app);
  registerErrorHandler(app);
  registerAuthentication(app, context, cache);
  registerTextGuard(app);
  // Before any route: both collect routes as they are added.
  const operationIds = registerRouteCatalog(app);
  const faults = new FaultRules(() => operationIds);
  app.decorate("faults", faults);
  await registerOpenApi(app, packageVersion());
  registerHealth(app, readiness);
  registerMetrics(app, metrics);
  registerFaultInjection(app, faults, metrics);
  await app.register(faultRoutes(context, faults));
  await app.register(iamRoutes(context, cache));
  await app.register(auditRoutes(context));
  await app.register(tokenRoutes(context, cache));
  await app.register(identityRoutes(context));
  await app.register(domainRoutes(context));
  await app.register(vpcRoutes(context));
  await app.register(vpcPortRoutes(context));
  await app.register(vpcQuotaRoutes(context));
  await app.register(vpcUpdateRoutes(context));
  await app.register(vpcSecurityGroupRoutes(context));
  await app.register(eipRoutes(context));
  await app.register(ecsLimitRoutes(context));
  await app.register(neutronRoutes(context));
  await app.register(neutronNetworkRoutes(context));
  await app.register(neutronSecurityGroupRoutes(context));
  await app.register(neutronFloatingIpRoutes(context));
  await app.register(neutronRouterRoutes(context));
  await app.register(neutronVersionRoutes());
  await app.register(ecsRoutes(context));
  await app.register(consoleRoutes(context));
  for (const rule of options.faults ?? []) faults.add(rule);
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
