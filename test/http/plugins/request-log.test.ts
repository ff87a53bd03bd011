/**
 * The request log: one line per request at `info`, written when it is answered, with what Fastify's two lines
 * carried (method, URL, host and peer; status and response time) under the id the response carries. The line on
 * arrival is only written at `debug`.
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { defaultContext } from "../../../src/usecases/context.js";
import { bootstrap } from "../../../src/usecases/iam/bootstrap.js";
import { testIdentity } from "../../support/server.js";

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method?: string; url?: string; host?: string; remoteAddress?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appLoggingAt(level: string) {
  const identity = testIdentity();
  const store = await SqliteStore.open({ path: ":memory:" });
  const context = defaultContext(store);
  await bootstrap(context, {
    projectName: "local-1",
    projectId: identity.projectId,
    accessKey: identity.accessKey,
    secretKey: identity.secretKey,
    adminPassword: identity.password,
  });
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.startsWith("{")) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp({ context, logger: { level, stream } });
  closers.push(async () => {
    await app.close();
    await store.close();
  });
  const login = await app.inject({
    method: "POST",
    url: "/v3/auth/tokens",
    payload: {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", password: identity.password, domain: { name: "default" } } },
        },
        scope: { project: { id: identity.projectId } },
      },
    },
  });
  expect(login.statusCode).toBe(201);
  return { app, lines, token: login.headers["x-subject-token"] as string, identity };
}

describe("the request log", () => {
  it("writes one info line per request, when answered, with the request, its status and its time", async () => {
    const { app, lines, token, identity } = await appLoggingAt("info");
    const vpcs = `/v1/${identity.projectId}/vpcs`;
    const requests = [
      { method: "GET" as const, url: vpcs, headers: { "x-auth-token": token }, status: 200 },
      { method: "GET" as const, url: vpcs, headers: { "x-auth-token": "forged.token" }, status: 401 },
      { method: "GET" as const, url: "/no/such/route", headers: {}, status: 404 },
    ];
    for (const request of requests) {
      const before = lines.length;
      const reply = await app.inject({ method: request.method, url: request.url, headers: request.headers });
      expect(reply.statusCode).toBe(request.status);
      const written = lines.slice(before);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        level: 30,
        msg: "request completed",
        reqId: reply.headers["x-request-id"],
        req: { method: request.method, url: request.url, host: "localhost:80", remoteAddress: "127.0.0.1" },
        res: { statusCode: request.status },
      });
      expect(written[0]?.responseTime).toBeGreaterThanOrEqual(0);
    }
  });

  it("writes the arrival of a request too at debug, under the same request id", async () => {
    const { app, lines, token, identity } = await appLoggingAt("debug");
    const before = lines.length;
    const reply = await app.inject({
      method: "GET",
      url: `/v1/${identity.projectId}/vpcs`,
      headers: { "x-auth-token": token },
    });
    const requestId = reply.headers["x-request-id"];
    const written = lines.slice(before).filter((line) => line.reqId === requestId);
    expect(written.map((line) => [line.level, line.msg])).toEqual([
      [20, "incoming request"],
      [30, "request completed"],
    ]);
    expect(written[0]?.req?.url).toBe(`/v1/${identity.projectId}/vpcs`);
  });
});
