import type { FastifyRequest } from "fastify";

/** This server as the caller reached it, so links and catalog URLs work from wherever the client stands. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? `${request.hostname}`}`;
}
