import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * Keeps the raw body bytes (AK/SK signatures hash them exactly as received) and never fails while parsing: an empty
 * or malformed body is only noted, and reported after authentication in the route's own error envelope.
 * The official SDK sends `Content-Type: application/json` with no body on GET and DELETE; that must pass.
 */
export function registerBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (request: FastifyRequest, body: Buffer | string, done) => {
    const raw = typeof body === "string" ? Buffer.from(body) : body;
    request.rawBody = raw;
    if (raw.length === 0) {
      request.bodyProblem = "blank";
      return done(null, undefined);
    }
    try {
      done(null, JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)));
    } catch {
      request.bodyProblem = "invalid";
      done(null, undefined);
    }
  });
}
