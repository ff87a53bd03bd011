/**
 * No stall, no oracle: password checks run off the event loop with a cap, an unknown user costs the same scrypt work
 * as a known one, and a body is parsed only once its sender is authenticated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashingStats, hashPassword, verifyPassword } from "../../src/auth/passwords.js";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";

let harness: InjectApp;
beforeAll(async () => {
  harness = await createInjectApp();
});
afterAll(async () => harness.close());

const login = (userName: string, password: string) =>
  harness.call(
    "POST",
    "/v3/auth/tokens",
    {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: userName, password, domain: { name: "default" } } },
        },
        scope: { project: { id: harness.projectId } },
      },
    },
    { "x-auth-token": "" },
  );

describe("password hashing", () => {
  it("hashes and verifies asynchronously, and the event loop keeps turning while it works", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const hashes = await Promise.all([hashPassword("a"), hashPassword("b"), hashPassword("c"), hashPassword("d")]);
    clearInterval(timer);
    expect(await verifyPassword("a", hashes[0] as string)).toBe(true);
    expect(await verifyPassword("b", hashes[0] as string)).toBe(false);
    // scryptSync would have held the loop for every hash: no timer could fire between them.
    expect(ticks).toBeGreaterThan(0);
  });

  it("runs one scrypt for an unknown user, as for a known one with a wrong password", async () => {
    const before = hashingStats.computed;
    const unknown = await login("nobody-by-this-name", "whatever");
    const afterUnknown = hashingStats.computed;
    const known = await login("admin", "wrong-password");
    expect(unknown.status).toBe(401);
    expect(known.status).toBe(401);
    expect(unknown.body).toEqual(known.body);
    expect(afterUnknown - before).toBe(1);
    expect(hashingStats.computed - afterUnknown).toBe(1);
  });
});

describe("authentication before parsing", () => {
  it("answers an unauthenticated malformed body with 401, not a parse error", async () => {
    const response = await harness.call("POST", `/v1/${harness.projectId}/vpcs`, "[[[[[[not json", {
      "x-auth-token": "forged",
    });
    expect(response.status).toBe(401);
    expect(response.body.error_code).toBe("APIGW.0301");
  });

  it("still reports a malformed body of an authenticated caller in the route's envelope", async () => {
    const response = await harness.call("POST", `/v1/${harness.projectId}/vpcs`, "{not json");
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("VPC.0101");
  });

  it("refuses a token request body over 64 KiB before reading it whole", async () => {
    const response = await harness.call("POST", "/v3/auth/tokens", `{"pad":"${"x".repeat(70 * 1024)}"}`, {
      "x-auth-token": "",
    });
    expect(response.status).toBe(413);
  });
});
