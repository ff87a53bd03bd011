import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";

export function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

/** Every response, errors and unknown routes included, carries the id the request was logged under. */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("X-Request-Id", request.id);
  });
}
