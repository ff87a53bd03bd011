import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyInstance {
    /** The base URL written into the token catalog and `*_links`: configured, else the listener's own address. */
    publicUrl: { value: string | undefined };
  }
}

export function registerPublicUrl(app: FastifyInstance, configured: string | undefined): void {
  app.decorate("publicUrl", { value: configured?.replace(/\/+$/, "") });
}

/**
 * This server's base URL for links and the catalog. Never taken from the request's Host header (a client could point
 * other clients' links anywhere): the configured public URL, else the address the connection reached.
 */
export function baseUrlOf(request: FastifyRequest): string {
  const configured = request.server.publicUrl?.value;
  if (configured) return configured;
  const address = request.socket?.localAddress?.replace(/^::ffff:/, "");
  const port = request.socket?.localPort;
  if (address && port) return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  return "http://localhost";
}
