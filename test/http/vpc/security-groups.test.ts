import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, type Network, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";
import { createServers, waitForJob } from "../../support/world.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;
let net: Network;

beforeAll(async () => {
  suite = await openHttpSuite({ network: true });
  ({ server, api, net } = suite);
});
afterAll(async () => server.dispose());

const refused = (method: string, path: string, body: unknown, status: number, code: string) =>
  expectRefused(suite, { method, path, body }, { status, code });

async function defaultGroup(): Promise<any> {
  const listed = await api.call("GET", api.p("/security-groups"));
  expect(listed.status).toBe(200);
  const found = listed.body.security_groups.filter((group: any) => group.name === "default");
  expect(found).toHaveLength(1);
  return found[0];
}

describe("VPC v1 security groups", () => {
  it("the project has its default group from the start, with the four rules every group starts with", async () => {
    const group = await defaultGroup();
    expect(group.security_group_rules).toHaveLength(4);
    const shape = group.security_group_rules
      .map((r: any) => `${r.direction}/${r.ethertype}/${r.remote_group_id === group.id ? "self" : r.remote_group_id}`)
      .sort();
    expect(shape).toEqual(["egress/IPv4/null", "egress/IPv6/null", "ingress/IPv4/self", "ingress/IPv6/self"]);
  });

  it("creates, shows, lists by VPC and deletes a group; its rules are created, listed, shown and deleted", async () => {
    const created = await api.call("POST", api.p("/security-groups"), {
      security_group: { name: "sg-web", vpc_id: net.vpcId },
    });
    expect(created.status).toBe(200);
    const group = created.body.security_group;
    expect(group).toMatchObject({ name: "sg-web", vpc_id: net.vpcId, description: "", enterprise_project_id: "0" });
    expect(group.security_group_rules).toHaveLength(4);

    const rule = await api.call("POST", api.p("/security-group-rules"), {
      security_group_rule: {
        security_group_id: group.id,
        direction: "ingress",
        protocol: "TCP",
        port_range_min: 80,
        port_range_max: 80,
        remote_ip_prefix: "10.0.0.0/8",
        description: "web",
      },
    });
    expect(rule.status).toBe(200);
    expect(rule.body.security_group_rule).toMatchObject({
      security_group_id: group.id,
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 80,
      port_range_max: 80,
      remote_ip_prefix: "10.0.0.0/8",
      remote_group_id: null,
      remote_address_group_id: null,
      description: "web",
      tenant_id: server.projectId,
    });
    const ruleId = rule.body.security_group_rule.id;
    const shown = await api.call("GET", api.p(`/security-groups/${group.id}`));
    expect(shown.body.security_group.security_group_rules.map((r: any) => r.id)).toContain(ruleId);
    const byVpc = await api.call("GET", api.p(`/security-groups?vpc_id=${net.vpcId}`));
    expect(byVpc.body.security_groups.map((g: any) => g.id)).toEqual([group.id]);
    const rules = await api.call("GET", api.p(`/security-group-rules?security_group_id=${group.id}`));
    expect(rules.body.security_group_rules).toHaveLength(5);
    expect((await api.call("GET", api.p(`/security-group-rules/${ruleId}`))).body.security_group_rule.id).toBe(ruleId);

    await refused(
      "POST",
      api.p("/security-group-rules"),
      {
        security_group_rule: {
          security_group_id: group.id,
          direction: "ingress",
          protocol: "tcp",
          port_range_min: 80,
          port_range_max: 80,
          remote_ip_prefix: "10.0.0.0/8",
        },
      },
      409,
      "VPC.9902",
    );
    expect((await api.call("DELETE", api.p(`/security-group-rules/${ruleId}`))).status).toBe(204);
    await refused("GET", api.p(`/security-group-rules/${ruleId}`), undefined, 404, "VPC.9904");
    expect((await api.call("DELETE", api.p(`/security-groups/${group.id}`))).status).toBe(204);
    await refused("GET", api.p(`/security-groups/${group.id}`), undefined, 404, "VPC.0603");
    const left = await api.call("GET", api.p(`/security-group-rules?security_group_id=${group.id}`));
    expect(left.body.security_group_rules).toEqual([]);
  });

  it("rejects bad names, rules and unknown groups with VPC codes, changing nothing", async () => {
    const group = await defaultGroup();
    await refused("POST", api.p("/security-groups"), { security_group: { name: "bad name!" } }, 400, "VPC.0601");
    await refused("POST", api.p("/security-groups"), { security_group: {} }, 400, "VPC.0601");
    await refused("POST", api.p("/security-groups"), { security_group: { name: "default" } }, 400, "VPC.0601");
    const rule = (fields: Record<string, unknown>) => ({
      security_group_rule: { security_group_id: group.id, direction: "ingress", ...fields },
    });
    await refused("POST", api.p("/security-group-rules"), rule({ direction: "sideways" }), 400, "VPC.0601");
    await refused("POST", api.p("/security-group-rules"), rule({ ethertype: "IPv5" }), 400, "VPC.0601");
    await refused(
      "POST",
      api.p("/security-group-rules"),
      rule({ protocol: "tcp", port_range_min: 90, port_range_max: 80 }),
      400,
      "VPC.0601",
    );
    await refused(
      "POST",
      api.p("/security-group-rules"),
      rule({ port_range_min: 22, port_range_max: 22 }),
      400,
      "VPC.0601",
    );
    await refused("POST", api.p("/security-group-rules"), rule({ remote_ip_prefix: "10.0.0.1/8" }), 400, "VPC.0601");
    await refused(
      "POST",
      api.p("/security-group-rules"),
      rule({ remote_ip_prefix: "10.0.0.0/8", remote_group_id: group.id }),
      400,
      "VPC.0601",
    );
    await refused(
      "POST",
      api.p("/security-group-rules"),
      { security_group_rule: { security_group_id: "nope", direction: "ingress" } },
      404,
      "VPC.0603",
    );
    await refused("GET", api.p("/security-groups/nope"), undefined, 404, "VPC.0603");
    await refused("DELETE", api.p("/security-groups/nope"), undefined, 404, "VPC.0603");
    await refused("DELETE", api.p(`/security-groups/${group.id}`), undefined, 409, "VPC.9902");
  });

  it("servers carry the groups they were created with; a group in use cannot be deleted", async () => {
    const sg = (await api.call("POST", api.p("/security-groups"), { security_group: { name: "sg-app" } })).body
      .security_group;
    const created = await api.call("POST", api.p("/cloudservers"), {
      server: {
        name: "app",
        imageRef: "image-1",
        flavorRef: "s6.small.1",
        vpcid: net.vpcId,
        nics: [{ subnet_id: net.subnetId }],
        root_volume: { volumetype: "SSD" },
        security_groups: [{ id: sg.id }],
      },
    });
    expect(created.status).toBe(200);
    const serverId = created.body.serverIds[0];
    const shown = await api.call("GET", api.p(`/cloudservers/${serverId}`));
    expect(shown.body.server.security_groups).toEqual([{ name: "sg-app", id: sg.id }]);
    const nicId = shown.body.server.addresses[net.vpcId][0]["OS-EXT-IPS:port_id"];
    expect((await api.call("GET", `/v2.0/ports/${nicId}`)).body.port.security_groups).toEqual([sg.id]);

    await refused("DELETE", api.p(`/security-groups/${sg.id}`), undefined, 409, "VPC.9902");
    await refused("DELETE", `/v2.0/security-groups/${sg.id}`, undefined, 409, "SecurityGroupInUse");
    await refused(
      "POST",
      api.p("/cloudservers"),
      {
        server: {
          name: "x",
          imageRef: "i",
          flavorRef: "f",
          vpcid: net.vpcId,
          nics: [{ subnet_id: net.subnetId }],
          root_volume: { volumetype: "SSD" },
          security_groups: [{ id: "missing" }],
        },
      },
      400,
      "Ecs.0014",
    );

    // Deleting the server takes its NICs out of the group, which can then go. Both jobs are waited for, so no
    // server changes state behind a later test's back.
    await waitForJob(api, created.body.job_id);
    const deleted = await api.call("POST", api.p("/cloudservers/delete"), { servers: [{ id: serverId }] });
    expect(deleted.status).toBe(200);
    await waitForJob(api, deleted.body.job_id);
    expect((await api.call("DELETE", api.p(`/security-groups/${sg.id}`))).status).toBe(204);
  });

  it("servers created without groups are in the default group", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId);
    const group = await defaultGroup();
    const shown = await api.call("GET", api.p(`/cloudservers/${srv?.serverId}`));
    expect(shown.body.server.security_groups).toEqual([{ name: "default", id: group.id }]);
  });
});

describe("Neutron security groups and port security", () => {
  it("creates (201), updates, lists by name and deletes a group, and its rules", async () => {
    const created = await api.call("POST", "/v2.0/security-groups", {
      security_group: { name: "n-sg", description: "first" },
    });
    expect(created.status).toBe(201);
    const group = created.body.security_group;
    expect(group).toMatchObject({
      name: "n-sg",
      description: "first",
      project_id: server.projectId,
      revision_number: 0,
    });
    const updated = await api.call("PUT", `/v2.0/security-groups/${group.id}`, {
      security_group: { description: "second" },
    });
    expect(updated.body.security_group).toMatchObject({ description: "second", revision_number: 1 });
    const byName = await api.call("GET", "/v2.0/security-groups?name=n-sg");
    expect(byName.body.security_groups.map((g: any) => g.id)).toEqual([group.id]);

    const rule = await api.call("POST", "/v2.0/security-group-rules", {
      security_group_rule: { security_group_id: group.id, direction: "egress", ethertype: "IPv6", protocol: "icmpv6" },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.security_group_rule).toMatchObject({ ethertype: "IPv6", protocol: "icmpv6", direction: "egress" });
    const byDirection = await api.call(
      "GET",
      `/v2.0/security-group-rules?security_group_id=${group.id}&direction=egress&protocol=icmpv6`,
    );
    expect(byDirection.body.security_group_rules.map((r: any) => r.id)).toEqual([rule.body.security_group_rule.id]);
    await refused(
      "POST",
      "/v2.0/security-group-rules",
      {
        security_group_rule: {
          security_group_id: group.id,
          direction: "egress",
          ethertype: "IPv6",
          protocol: "icmpv6",
        },
      },
      409,
      "SecurityGroupRuleExists",
    );
    expect((await api.call("DELETE", `/v2.0/security-group-rules/${rule.body.security_group_rule.id}`)).status).toBe(
      204,
    );
    expect((await api.call("DELETE", `/v2.0/security-groups/${group.id}`)).status).toBe(204);
    await refused("GET", `/v2.0/security-groups/${group.id}`, undefined, 404, "SecurityGroupNotFound");
  });

  it("refuses to remove, rename or duplicate the default group", async () => {
    const group = await defaultGroup();
    await refused("DELETE", `/v2.0/security-groups/${group.id}`, undefined, 409, "SecurityGroupCannotRemoveDefault");
    await refused(
      "PUT",
      `/v2.0/security-groups/${group.id}`,
      { security_group: { name: "other" } },
      409,
      "SecurityGroupCannotUpdateDefault",
    );
    await refused(
      "POST",
      "/v2.0/security-groups",
      { security_group: { name: "default" } },
      409,
      "SecurityGroupDefaultAlreadyExists",
    );
    await refused("GET", "/v2.0/security-group-rules/nope", undefined, 404, "SecurityGroupRuleNotFound");
  });

  it("ports carry their groups and port_security_enabled, on create, update and show", async () => {
    const group = await defaultGroup();
    const sg = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "p-sg" } })).body
      .security_group;
    const plain = await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } });
    expect(plain.body.port).toMatchObject({ security_groups: [group.id], port_security_enabled: true });

    const port = await api.call("POST", "/v2.0/ports", {
      port: { network_id: net.subnetId, device_owner: "neutron:VIP_PORT", security_groups: [sg.id, group.id] },
    });
    expect(port.status).toBe(201);
    expect(port.body.port.security_groups).toEqual([sg.id, group.id]);
    const id = port.body.port.id;
    const updated = await api.call("PUT", `/v2.0/ports/${id}`, { port: { security_groups: [sg.id] } });
    expect(updated.body.port).toMatchObject({ security_groups: [sg.id], revision_number: 1 });
    expect((await api.call("GET", `/v2.0/ports?id=${id}`)).body.ports[0].security_groups).toEqual([sg.id]);

    await refused(
      "PUT",
      `/v2.0/ports/${id}`,
      { port: { port_security_enabled: false } },
      409,
      "PortSecurityPortHasSecurityGroup",
    );
    await refused("PUT", `/v2.0/ports/${id}`, { port: { security_groups: ["missing"] } }, 404, "SecurityGroupNotFound");
    const off = await api.call("PUT", `/v2.0/ports/${id}`, {
      port: { port_security_enabled: false, security_groups: [] },
    });
    expect(off.body.port).toMatchObject({ port_security_enabled: false, security_groups: [] });
    await refused(
      "PUT",
      `/v2.0/ports/${id}`,
      { port: { security_groups: [sg.id] } },
      400,
      "PortSecurityAndIPRequiredForSecurityGroups",
    );
    const bare = await api.call("POST", "/v2.0/ports", {
      port: { network_id: net.subnetId, port_security_enabled: false },
    });
    expect(bare.body.port).toMatchObject({ port_security_enabled: false, security_groups: [] });
    await refused(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, port_security_enabled: false, security_groups: [sg.id] } },
      400,
      "PortSecurityAndIPRequiredForSecurityGroups",
    );

    // Deleting a member port frees the group.
    await api.call("PUT", `/v2.0/ports/${plain.body.port.id}`, { port: { security_groups: [sg.id] } });
    await refused("DELETE", `/v2.0/security-groups/${sg.id}`, undefined, 409, "SecurityGroupInUse");
    expect((await api.call("DELETE", `/v2.0/ports/${plain.body.port.id}`)).status).toBe(204);
    expect((await api.call("DELETE", `/v2.0/security-groups/${sg.id}`)).status).toBe(204);
  });
});

describe("associating ports with a security group in a batch", () => {
  it("adds and removes up to 20 ports, reports each port it cannot change in `fail`, and changes the others", async () => {
    const group = (await api.call("POST", api.p("/security-groups"), { security_group: { name: "batch-sg" } })).body
      .security_group;
    const plain = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } })).body.port;
    const open = (
      await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, port_security_enabled: false } })
    ).body.port;
    const path = (version: string) => `/${version}/${server.projectId}/security-groups/${group.id}/instance/action`;
    const added = await api.call("POST", path("v2.0"), {
      ports: [{ id: plain.id }, { id: open.id }, { id: "nope" }, { id: plain.id }],
      action: "ADD",
    });
    expect(added.status).toBe(200);
    expect(added.body.fail.map((f: any) => [f.id, f.error_code])).toEqual([
      [open.id, "VPC.0608"],
      ["nope", "VPC.0608"],
    ]);
    expect(JSON.parse(added.body.fail[1].error_msg)).toMatchObject({ NeutronError: { type: "PortNotFound" } });
    const shown = (await api.call("GET", `/v2.0/ports/${plain.id}`)).body.port;
    expect(shown.security_groups).toEqual([plain.security_groups[0], group.id]);
    expect(shown.revision_number).toBe(plain.revision_number + 1);
    // Adding again is no error and no change.
    const again = await api.call("POST", path("v1"), { ports: [{ id: plain.id }], action: "add" });
    expect(again.body).toEqual({ fail: [] });
    expect((await api.call("GET", `/v2.0/ports/${plain.id}`)).body.port.revision_number).toBe(shown.revision_number);
    // Removing takes the group off; the last group of a port stays (VPC.0607).
    expect((await api.call("POST", path("v1"), { ports: [{ id: plain.id }], action: "remove" })).body).toEqual({
      fail: [],
    });
    expect((await api.call("GET", `/v2.0/ports/${plain.id}`)).body.port.security_groups).toEqual(plain.security_groups);
    const onlyGroup = (
      await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, security_groups: [group.id] } })
    ).body.port;
    const last = await api.call("POST", path("v1"), { ports: [{ id: onlyGroup.id }], action: "remove" });
    expect(last.body.fail).toEqual([
      { id: onlyGroup.id, error_code: "VPC.0607", error_msg: "An instance must belong to at least one security group" },
    ]);

    const tooMany = Array.from({ length: 21 }, () => ({ id: plain.id }));
    await refused("POST", path("v1"), { ports: tooMany, action: "add" }, 400, "VPC.0606");
    await refused("POST", path("v1"), { ports: [{ id: plain.id }], action: "toggle" }, 400, "VPC.0606");
    await refused("POST", path("v2.0"), { ports: [], action: "add" }, 400, "VPC.0606");
    await refused(
      "POST",
      `/v1/${server.projectId}/security-groups/nope/instance/action`,
      { ports: [{ id: plain.id }], action: "add" },
      404,
      "VPC.0603",
    );
  });
});
