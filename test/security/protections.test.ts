/**
 * The gateway's protections: an access key locked after consecutive signature failures, IAM's login lock-out, a token
 * bucket per caller answering 429 that changes nothing, a request timeout, and paged lists.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { passwordLogin, type SecureServer, send, signedRequest, sleep, startSecureServer } from "./support.js";

let server: SecureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LOCKED_AK = "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden.";

describe("access key lock", () => {
  it("locks a key after five consecutive bad signatures, refuses even a good one, and unlocks after the lock time", async () => {
    server = await startSecureServer({ accessKeyLockMs: 1500 });
    const s = server;
    const vpcs = `/v1/${s.projectId}/vpcs`;
    expect((await send(...signedRequest(s, "GET", vpcs))).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const bad = await send(...signedRequest(s, "GET", vpcs, { sk: "wrong-secret" }));
      expect(bad.status).toBe(401);
      expect(bad.body.error_msg).toContain("verify aksk signature fail");
    }
    const before = await s.dump();
    const locked = await send(...signedRequest(s, "POST", vpcs, { body: { vpc: { name: "x", cidr: "10.0.0.0/16" } } }));
    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ error_code: "APIGW.0301", error_msg: LOCKED_AK });
    expect(await s.dump()).toEqual(before);
    await sleep(1600);
    expect((await send(...signedRequest(s, "GET", vpcs))).status).toBe(200);
  });

  it("counts consecutive failures only: a good signature in between starts the count again", async () => {
    server = await startSecureServer();
    const s = server;
    const vpcs = `/v1/${s.projectId}/vpcs`;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await send(...signedRequest(s, "GET", vpcs, { sk: "wrong" }));
      expect((await send(...signedRequest(s, "GET", vpcs))).status).toBe(200);
    }
  });
});

describe("login lock-out", () => {
  it("locks a user after five failed logins, even for the right password, then lets it in after the lock", async () => {
    server = await startSecureServer({ loginLockMs: 1500 });
    const s = server;
    for (let i = 0; i < 5; i++) expect((await passwordLogin(s, "admin", "wrong")).body.error.code).toBe("IAM.0004");
    const locked = await passwordLogin(s, "admin", s.password);
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe("IAM.0102");
    await sleep(1600);
    expect((await passwordLogin(s, "admin", s.password)).status).toBe(201);
  });

  it("locks an unknown user name the same way, so the lock-out does not reveal which names exist", async () => {
    server = await startSecureServer();
    const s = server;
    for (let i = 0; i < 5; i++) expect((await passwordLogin(s, "ghost", "wrong")).body.error.code).toBe("IAM.0004");
    expect((await passwordLogin(s, "ghost", "wrong")).body.error.code).toBe("IAM.0102");
    expect((await passwordLogin(s, "admin", s.password)).status).toBe(201);
  });

  it("forgets failures older than the policy's period", async () => {
    server = await startSecureServer({ loginFailureWindowMs: 500 });
    const s = server;
    for (let i = 0; i < 4; i++) await passwordLogin(s, "admin", "wrong");
    await sleep(600);
    for (let i = 0; i < 4; i++) await passwordLogin(s, "admin", "wrong");
    expect((await passwordLogin(s, "admin", s.password)).status).toBe(201);
  });
});

describe("rate limit", () => {
  it("answers 429 APIGW.0308 with Retry-After over the rate, changes nothing, and counts each caller apart", async () => {
    server = await startSecureServer({ rateLimit: 3 });
    const s = server;
    const vpcs = `/v1/${s.projectId}/vpcs`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(...signedRequest(s, "GET", vpcs))).status);
    expect(statuses).toEqual([200, 200, 200]);
    const before = await s.dump();
    const over = await send(...signedRequest(s, "POST", vpcs, { body: { vpc: { name: "x", cidr: "10.0.0.0/16" } } }));
    expect(over.status).toBe(429);
    expect(over.body.error_code).toBe("APIGW.0308");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await s.dump()).toEqual(before);
    // Another caller (no credentials: counted by source address) still has its own bucket.
    expect((await send(`${s.url}/v3`, { method: "GET" })).status).toBe(200);
    await sleep(1100);
    expect((await send(...signedRequest(s, "GET", vpcs))).status).toBe(200);
  });

  it("is off with 0", async () => {
    server = await startSecureServer({ rateLimit: 0 });
    const s = server;
    for (let i = 0; i < 30; i++) expect((await send(`${s.url}/v3`, { method: "GET" })).status).toBe(200);
  });
});

describe("connection limits", () => {
  it("cuts off a client whose request does not arrive in time", async () => {
    server = await startSecureServer({ requestTimeoutMs: 400 });
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      let received = "";
      const socket = connect(Number(port), "127.0.0.1", () => socket.write("GET /v3 HTTP/1.1\r\nHost: x\r\nX-Slow: "));
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      setTimeout(() => reject(new Error("the server kept the slow connection open")), 5000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
  });

  it("refuses headers over 16 KiB", async () => {
    server = await startSecureServer();
    const reply = await send(`${server.url}/v3`, { headers: { "x-pad": "a".repeat(20 * 1024) } });
    expect(reply.status).toBe(400);
    expect(reply.body.error_code).toBe("APIGW.0201");
  });
});
