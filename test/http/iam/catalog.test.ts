import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.dispose());

async function token() {
  const response = await fetch(`${server.url}/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", password: server.password, domain: { name: "default" } } },
        },
        scope: { project: { id: server.projectId } },
      },
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as any;
}

describe("the token's catalog", () => {
  it("gives every service and endpoint an id, the same on every token", async () => {
    const first = (await token()).token.catalog;
    const second = (await token()).token.catalog;
    expect(first.map((service: any) => service.type)).toEqual(["identity", "network", "vpc", "ecs"]);
    for (const service of first) {
      expect(service.id).toMatch(/^[0-9a-f]{32}$/);
      for (const endpoint of service.endpoints) expect(endpoint.id).toMatch(/^[0-9a-f]{32}$/);
    }
    const ids = first.flatMap((service: any) => [service.id, ...service.endpoints.map((e: any) => e.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second).toEqual(first);
  });
});
