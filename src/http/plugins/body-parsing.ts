import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";

/**
 * Keeps the raw body bytes (AK/SK signatures hash them exactly as received) and parses nothing: JSON is parsed only
 * after authentication (`parseBodyAfterAuthentication`), so an unauthenticated sender cannot make the server parse
 * a megabyte of nested arrays. The official SDK sends `Content-Type: application/json` with no body on GET and
 * DELETE; that must pass.
 */
export function registerBodyParsing(app: FastifyInstance, bodyLimit: number): void {
  // With `done`, not async: nearly every request passes straight through.
  app.addHook("preParsing", (request, _reply, payload, done) => {
    if (!BODYLESS.has(request.method) || !announcesBody(request)) return done(null, payload);
    readLimited(payload, bodyLimit).then((raw) => {
      request.rawBody = raw;
      done(null, Readable.from([]));
    }, done);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (request: FastifyRequest, body: Buffer | string, done) => {
    const raw = typeof body === "string" ? Buffer.from(body) : body;
    request.rawBody = raw;
    done(null, undefined);
  });
}

/**
 * Parses the kept bytes into `request.body` (before schema validation runs). An empty or malformed body is only
 * noted, and reported in the route's own error envelope.
 */
export function parseBodyAfterAuthentication(request: FastifyRequest): void {
  const raw = request.rawBody;
  if (raw === undefined || BODYLESS.has(request.method)) return;
  if (raw.length === 0) {
    request.bodyProblem = "blank";
    return;
  }
  try {
    request.body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    request.bodyProblem = "invalid";
  }
}

/** Fastify never reads a body on these methods, yet the SDK signs one (`{}` on its own GET /v3/projects lookup). */
const BODYLESS = new Set(["GET", "HEAD"]);

function announcesBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

async function readLimited(payload: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limit) fail("requestTooLarge");
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
