import { type FastifyReply, type FastifyRequest, LogController } from "fastify";

/**
 * One log line per request at `info`, when it is answered: what Fastify's two lines carried (the request's method,
 * URL, host and peer, then its status and response time), under the request id. The line on arrival is kept at
 * `debug`, for following a request that never completes.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
    }
  }
}
