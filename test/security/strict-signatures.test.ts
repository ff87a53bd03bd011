/**
 * Strict signatures: `host` must be signed, `X-Project-Id` too when sent, `X-Sdk-Date` is parsed strictly, and links
 * and the catalog come from the configured public URL, never from the Host header.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSdkDate, signatureFor } from "../../src/auth/aksk-signature.js";
import { type SecureServer, send, startSecureServer } from "./support.js";

let server: SecureServer;
beforeAll(async () => {
  server = await startSecureServer({ accessKeyFailures: 1000 }, { publicUrl: "https://ecs-vip.example.test:8443" });
});
afterAll(async () => server.close());

const sdkDate = (date = new Date()) => `${date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;

/** GET signed by hand over exactly `signedHeaders`, with every header in `headers` sent. */
function handSigned(path: string, headers: Record<string, string>, signedHeaders: string[]) {
  const host = new URL(server.url).host;
  const all: Record<string, string> = { host, "content-type": "application/json", ...headers };
  const lookup = (name: string) => all[name];
  const signature = signatureFor(
    { method: "GET", path, rawQuery: "", header: lookup, body: Buffer.alloc(0) },
    signedHeaders,
    all["x-sdk-date"] ?? "",
    server.secretKey,
  );
  all.authorization = `SDK-HMAC-SHA256 Access=${server.accessKey}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
  delete all.host;
  return send(`${server.url}${path}`, { headers: all });
}

describe("what a signature must cover", () => {
  const path = () => `/v1/${server.projectId}/vpcs`;

  it("accepts host, content-type, x-project-id and x-sdk-date signed", async () => {
    const reply = await handSigned(path(), { "x-sdk-date": sdkDate(), "x-project-id": server.projectId }, [
      "content-type",
      "host",
      "x-project-id",
      "x-sdk-date",
    ]);
    expect(reply.status).toBe(200);
  });

  it("refuses a signature that does not cover host", async () => {
    const reply = await handSigned(path(), { "x-sdk-date": sdkDate() }, ["content-type", "x-sdk-date"]);
    expect(reply.status).toBe(401);
    expect(reply.body.error_msg).toContain("host header must be signed");
  });

  it("refuses an X-Project-Id sent but not signed", async () => {
    const reply = await handSigned(path(), { "x-sdk-date": sdkDate(), "x-project-id": server.projectId }, [
      "host",
      "x-sdk-date",
    ]);
    expect(reply.status).toBe(401);
    expect(reply.body.error_msg).toContain("X-Project-Id header must be signed");
  });

  it("refuses an X-Sdk-Date with hour 34 or 31 February", async () => {
    for (const date of ["20260101T340000Z", "20260231T120000Z", "20261301T000000Z", "20260101T126000Z"]) {
      expect(parseSdkDate(date)).toBeUndefined();
      const reply = await handSigned(path(), { "x-sdk-date": date }, ["host", "x-sdk-date"]);
      expect(reply.status).toBe(401);
    }
    expect(parseSdkDate("20260228T235959Z")?.toISOString()).toBe("2026-02-28T23:59:59.000Z");
  });
});

/** A request with a Host header of our choosing (fetch does not let us set it). */
function withHost(method: string, path: string, host: string, body?: unknown, token?: string) {
  const url = new URL(server.url);
  return new Promise<any>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: url.port,
        method,
        path,
        headers: { host, "content-type": "application/json", ...(token ? { "x-auth-token": token } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe("public URL", () => {
  it("writes the configured URL, not the Host header, into the catalog and the port links", async () => {
    const login = await withHost("POST", "/v3/auth/tokens", "evil.example", {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", password: server.password, domain: { name: "default" } } },
        },
        scope: { project: { id: server.projectId } },
      },
    });
    expect(login.status).toBe(201);
    const urls = login.body.token.catalog.flatMap((entry: any) => entry.endpoints.map((e: any) => e.url));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith("https://ecs-vip.example.test:8443")).toBe(true);
    const token = String(login.headers["x-subject-token"]);
    const p = `/v1/${server.projectId}`;
    const vpc = await withHost("POST", `${p}/vpcs`, "evil.example", { vpc: { name: "v", cidr: "10.0.0.0/16" } }, token);
    await withHost(
      "POST",
      `${p}/subnets`,
      "evil.example",
      { subnet: { name: "s", cidr: "10.0.0.0/24", gateway_ip: "10.0.0.1", vpc_id: vpc.body.vpc.id } },
      token,
    );
    const ports = await withHost("GET", "/v2.0/ports?limit=1", "evil.example", undefined, token);
    expect(ports.body.ports_links[0].href.startsWith("https://ecs-vip.example.test:8443/v2.0/ports?")).toBe(true);
  });
});
