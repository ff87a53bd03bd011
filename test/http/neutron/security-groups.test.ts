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
    // Each item may come wrapped in its resource key, as the neutron-tempest-plugin's client sends it.
    const wrapped = await api.call("POST", "/v2.0/security-groups", {
      security_groups: [{ security_group: { name: "wrapped-a" } }, { name: "bare-b" }],
    });
    expect(wrapped.status).toBe(201);
    expect(wrapped.body.security_groups.map((g: any) => g.name)).toEqual(["wrapped-a", "bare-b"]);
    await refused(
      "POST",
      "/v2.0/security-groups",
      { security_groups: [{ security_group: { name: "x".repeat(256) } }] },
      400,
      "BadRequest",
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

describe("Neutron security group rules and ethertypes", () => {
  it("refuses a protocol of IPv6 only, by name or number, with ethertype IPv4, and takes it with IPv6", async () => {
    const group = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "v6" } })).body
      .security_group;
    for (const protocol of [
      "ipv6-encap",
      "ipv6-frag",
      "ipv6-icmp",
      "icmpv6",
      "ipv6-nonxt",
      "ipv6-opts",
      "ipv6-route",
    ]) {
      await refused(
        "POST",
        "/v2.0/security-group-rules",
        { security_group_rule: { security_group_id: group.id, direction: "ingress", ethertype: "IPv4", protocol } },
        400,
        "InvalidInput",
      );
    }
    for (const protocol of [41, "43", 44, 58, "59", 60]) {
      await refused(
        "POST",
        "/v2.0/security-group-rules",
        { security_group_rule: { security_group_id: group.id, direction: "ingress", protocol } },
        400,
        "InvalidInput",
      );
    }
    const v6 = await api.call("POST", "/v2.0/security-group-rules", {
      security_group_rule: { security_group_id: group.id, direction: "ingress", ethertype: "IPv6", protocol: 41 },
    });
    expect(v6.status).toBe(201);
    expect(v6.body.security_group_rule).toMatchObject({ ethertype: "IPv6", protocol: "41" });
    // IPv4's own protocols are untouched.
    const gre = await api.call("POST", "/v2.0/security-group-rules", {
      security_group_rule: { security_group_id: group.id, direction: "ingress", protocol: "gre" },
    });
    expect(gre.status).toBe(201);
  });
});
