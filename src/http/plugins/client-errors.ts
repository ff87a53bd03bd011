import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { ERRORS } from "../../errors/registry.js";
import { errorBody } from "../errors/render.js";
import { sendError } from "./error-handler.js";
import { newRequestId } from "./request-id.js";

/**
 * Requests Node's HTTP parser rejects (a malformed request line or header, conflicting lengths, a header section over
 * its limit) never reach Fastify. Answer them as the API gateway answers any malformed request: its envelope, a
 * request id, then close — unless a response on this connection has already begun.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const spec = ERRORS.malformedRequest;
    const requestId = newRequestId();
    const message =
      error.code === "HPE_HEADER_OVERFLOW"
        ? "Request header fields too large."
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? "The request was not received in time."
          : spec.message;
    const body = JSON.stringify(errorBody(spec, message, requestId));
    socket.write(
      `HTTP/1.1 ${spec.status} Bad Request\r\nX-Request-Id: ${requestId}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * HTTP/1.1 requires Host. Node would refuse a request without it by itself, bare (no request id, no envelope); the
 * server lets it through (`requireHostHeader: false`) and refuses it here instead, the same way in-process and over
 * a socket.
 */
export function registerHostCheck(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    const { httpVersionMajor, httpVersionMinor } = request.raw;
    if (httpVersionMajor === 1 && httpVersionMinor >= 1 && !request.headers.host) {
      // Answered here: the request goes no further (`done` is not called).
      sendError(reply, "malformedRequest", "An HTTP/1.1 request must carry a Host header.");
      return;
    }
    done();
  });
}
