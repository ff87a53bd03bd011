import type { ErrorId } from "../errors/registry.js";
import type { Caller } from "../usecases/context.js";

/** What a route declares about itself in `config`: the errors its service uses for malformed input. */
export interface RouteErrors {
  /** Wrong types, missing fields, unparseable JSON. */
  invalid: ErrorId;
  /** No body at all where one is required. */
  blank?: ErrorId;
  /** The path's project is not the caller's. */
  projectMismatch?: ErrorId;
  /** A unit of work that kept losing its race, or an unexpected failure. */
  internal: ErrorId;
  busy: ErrorId;
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    rawBody?: Buffer;
    /** Set when the body could not be parsed; reported after authentication, in the route's own envelope. */
    bodyProblem?: "blank" | "invalid";
  }
  interface FastifyContextConfig {
    errors?: RouteErrors;
    /** The registry errors the route's use case can answer with, beyond those its `errors` and permission imply. */
    raises?: ErrorId[];
  }
}

export function callerOf(request: { caller?: Caller }): Caller {
  if (!request.caller) throw new Error("route ran without an authenticated caller");
  return request.caller;
}
