import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CloudError } from "../../errors/cloud-error.js";
import { ERRORS, type ErrorId, UNAVAILABLE_BY_ENVELOPE } from "../../errors/registry.js";
import { ThrottledError } from "../../errors/throttled.js";
import { StoreRetriesExhaustedError, StoreUnavailableError } from "../../store/errors.js";
import { errorBody } from "../errors/render.js";

/** What a client is told to wait before retrying while the store is unavailable (a restart or a failover). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

export function sendError(reply: FastifyReply, id: ErrorId, message?: string): FastifyReply {
  const spec = ERRORS[id];
  reply.errorCode = spec.code;
  return reply
    .code(spec.status)
    .type("application/json")
    .send(errorBody(spec, message ?? spec.message, String(reply.request.id)));
}

function routeErrors(request: FastifyRequest) {
  return request.routeOptions.config.errors;
}

/** Maps every failure to a registered cloud error; only a bug in the server can produce a 5xx. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const errors = routeErrors(request);
    if (error instanceof ThrottledError) reply.header("Retry-After", String(error.retryAfterSeconds));
    if (error instanceof CloudError) return sendError(reply, error.id, error.message);
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const where = fastifyError.validationContext ?? "request";
      return sendError(reply, errors?.invalid ?? "malformedRequest", `Invalid ${where}: ${fastifyError.message}`);
    }
    if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendError(reply, "requestTooLarge");
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, "store unavailable");
      reply.header("Retry-After", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      const envelope = ERRORS[errors?.internal ?? "gatewayInternal"].envelope;
      return sendError(reply, UNAVAILABLE_BY_ENVELOPE[envelope]);
    }
    if (error instanceof StoreRetriesExhaustedError) {
      request.log.warn({ err: error }, "unit of work kept conflicting");
      return sendError(reply, errors?.busy ?? "malformedRequest");
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, errors?.invalid ?? "malformedRequest", fastifyError.message);
    }
    request.log.error({ err: error }, "unexpected failure");
    return sendError(reply, errors?.internal ?? "gatewayInternal");
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, "routeNotFound"));
}
