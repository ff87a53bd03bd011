/** Neutron security groups and rules as the neutron-tempest-plugin's API tests use them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, openHttpSuite } from "../../support/http-suite.js";

let suite: HttpSuite;
let api: ApiClient;

beforeAll(async () => {
  suite = await openHttpSuite();
  ({ api } = suite);
});
afterAll(async () => suite.server.dispose());

const refused = (method: string, path: string, body: unknown, status: number, type: string) =>
  expectRefused(suite, { method, path, body }, { status, code: type });

describe("Neutron security groups in bulk", () => {
  it("creates several groups in one request, and none when one of them is refused", async () => {
    const created = await api.call("POST", "/v2.0/security-groups", {
      security_groups: [{ name: "bulk-a" }, { name: "bulk-b", description: "second" }],
    });
    expect(created.status).toBe(201);
    expect(created.body.security_groups.map((g: any) => [g.name, g.description])).toEqual([
      ["bulk-a", ""],
      ["bulk-b", "second"],
    ]);
    const listed = await api.call("GET", "/v2.0/security-groups?fields=name");
    expect(listed.body.security_groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining(["bulk-a", "bulk-b", "default"]),
    );
    await refused(
      "POST",
      "/v2.0/security-groups",
      { security_groups: [{ name: "bulk-c" }, { name: "default" }] },
      409,
      "SecurityGroupDefaultAlreadyExists",
    );
  });
});
