/**
 * Security groups through the official VPC SDK, and EIPs over HTTP signed by the SDK core's own AK/SK signer (no EIP
 * SDK package exists for Node.js), end to end against a real server; SQLite always, PostgreSQL when configured.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXTERNAL_NETWORK_ID } from "../../src/domain/eips/model.js";
import { ApiClient } from "../support/client.js";
import { SERVER_STORE_KINDS } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

Logger4jInstance.level = "off";

/** The SDK reads VPC codes from the body; of a Neutron error it keeps only the status (`code` undefined then). */
async function sdkError(call: Promise<unknown>, status: number, code?: string): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientRequestException);
  const exception = error as ClientRequestException;
  expect(exception.httpStatusCode).toBe(status);
  expect(exception.errorCode).toBe(code);
}

describe.each(SERVER_STORE_KINDS)("security groups and EIPs end to end against the $label store", (kind) => {
  let server: TestServer;
  let drop: () => Promise<void>;
  let client: vpc.VpcClient;
  let api: ApiClient;
  let net: Awaited<ReturnType<typeof createNetwork>>;

  beforeAll(async () => {
    if (kind.needs.skip) return;
    const opened = await kind.open();
    drop = opened.drop;
    server = await startTestServer(opened.db ? { db: opened.db } : {});
    const credentials = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(server.secretKey)
      .withProjectId(server.projectId);
    client = vpc.VpcClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    api = await ApiClient.login(server.url, server.projectId, server.password);
    net = await createNetwork(api);
  });
  // A store this machine lacks: every test is reported as skipped, the reason in the suite's title.
  beforeEach((context) => {
    if (kind.needs.skip) context.skip(kind.needs.reason);
  });
  afterAll(async () => {
    await server?.dispose();
    await drop?.();
  });

  /** One request signed by the SDK core's signer, as an SDK client signs it; JSON in, status and JSON out. */
  async function signed(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { "content-type": "application/json", "X-Project-Id": server.projectId };
    const credentials = new BasicCredentials().withAk(server.accessKey).withSk(server.secretKey);
    const [pathOnly, search = ""] = path.split("?");
    const queryParams = Object.fromEntries(new URLSearchParams(search));
    const all = AKSKSigner.sign(
      { endpoint: `${server.url}${pathOnly}`, method, headers, queryParams, data: body },
      credentials,
    ) as Record<string, string>;
    delete all.host;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  }

  it("VPC v1 security groups and rules through the SDK: create, list, show, delete", async () => {
    const created: any = await client.createSecurityGroup(
      new vpc.CreateSecurityGroupRequest().withBody(
        new vpc.CreateSecurityGroupRequestBody(new vpc.CreateSecurityGroupOption("sg-sdk").withVpcId(net.vpcId)),
      ),
    );
    const group = created.security_group;
    expect(group).toMatchObject({ name: "sg-sdk", vpc_id: net.vpcId });
    expect(group.security_group_rules).toHaveLength(4);

    const rule: any = await client.createSecurityGroupRule(
      new vpc.CreateSecurityGroupRuleRequest().withBody(
        new vpc.CreateSecurityGroupRuleRequestBody(
          new vpc.CreateSecurityGroupRuleOption(group.id, "ingress")
            .withProtocol("tcp")
            .withPortRangeMin(22)
            .withPortRangeMax(22)
            .withRemoteIpPrefix("192.0.2.0/24"),
        ),
      ),
    );
    expect(rule.security_group_rule).toMatchObject({
      security_group_id: group.id,
      protocol: "tcp",
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: "192.0.2.0/24",
    });
    const listed: any = await client.listSecurityGroups(new vpc.ListSecurityGroupsRequest().withVpcId(net.vpcId));
    expect(listed.security_groups.map((g: any) => g.id)).toEqual([group.id]);
    const all: any = await client.listSecurityGroups(new vpc.ListSecurityGroupsRequest());
    expect(all.security_groups.map((g: any) => g.name)).toContain("default");
    const rules: any = await client.listSecurityGroupRules(
      new vpc.ListSecurityGroupRulesRequest().withSecurityGroupId(group.id),
    );
    expect(rules.security_group_rules).toHaveLength(5);
    const shownRule: any = await client.showSecurityGroupRule(
      new vpc.ShowSecurityGroupRuleRequest(rule.security_group_rule.id),
    );
    expect(shownRule.security_group_rule.id).toBe(rule.security_group_rule.id);

    await client.deleteSecurityGroupRule(new vpc.DeleteSecurityGroupRuleRequest(rule.security_group_rule.id));
    await client.deleteSecurityGroup(new vpc.DeleteSecurityGroupRequest(group.id));
    await sdkError(client.showSecurityGroup(new vpc.ShowSecurityGroupRequest(group.id)), 404, "VPC.0603");
  });

  it("Neutron security groups through the SDK: create, update, list, rules, and a port that carries one", async () => {
    const created: any = await client.neutronCreateSecurityGroup(
      new vpc.NeutronCreateSecurityGroupRequest().withBody(
        new vpc.NeutronCreateSecurityGroupRequestBody(new vpc.NeutronCreateSecurityGroupOption().withName("n-sdk")),
      ),
    );
    const group = created.security_group;
    const updated: any = await client.neutronUpdateSecurityGroup(
      new vpc.NeutronUpdateSecurityGroupRequest(group.id).withBody(
        new vpc.NeutronUpdateSecurityGroupRequestBody(
          new vpc.NeutronUpdateSecurityGroupOption().withDescription("updated"),
        ),
      ),
    );
    expect(updated.security_group.description).toBe("updated");
    const rule: any = await client.neutronCreateSecurityGroupRule(
      new vpc.NeutronCreateSecurityGroupRuleRequest().withBody(
        new vpc.NeutronCreateSecurityGroupRuleRequestBody(
          new vpc.NeutronCreateSecurityGroupRuleOption("ingress", group.id).withProtocol("icmp"),
        ),
      ),
    );
    expect(rule.security_group_rule).toMatchObject({ protocol: "icmp", ethertype: "IPv4" });
    const byName: any = await client.neutronListSecurityGroups(
      new vpc.NeutronListSecurityGroupsRequest().withName("n-sdk"),
    );
    expect(byName.security_groups.map((g: any) => g.id)).toEqual([group.id]);

    const port: any = await client.neutronCreatePort(
      new vpc.NeutronCreatePortRequest().withBody(
        new vpc.NeutronCreatePortRequestBody(
          new vpc.NeutronCreatePortOption().withNetworkId(net.subnetId).withSecurityGroups([group.id]),
        ),
      ),
    );
    expect(port.port.security_groups).toEqual([group.id]);
    await sdkError(client.neutronDeleteSecurityGroup(new vpc.NeutronDeleteSecurityGroupRequest(group.id)), 409);
    const still: any = await client.neutronShowSecurityGroup(new vpc.NeutronShowSecurityGroupRequest(group.id));
    expect(still.security_group.id).toBe(group.id);
    await client.neutronDeletePort(new vpc.NeutronDeletePortRequest(port.port.id));
    await client.neutronDeleteSecurityGroup(new vpc.NeutronDeleteSecurityGroupRequest(group.id));
  });

  it("EIPs over AK/SK-signed HTTP: assign, bind to a NIC, unbind, release", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId);
    const assigned = await signed("POST", `/v1/${server.projectId}/publicips`, {
      publicip: { type: "5_bgp" },
      bandwidth: { name: "bw-sdk", size: 5, share_type: "PER" },
    });
    expect(assigned.status).toBe(200);
    const eip = assigned.body.publicip;
    expect(eip.public_ip_address).toMatch(/^198\.51\.100\./);
    const bound = await signed("PUT", `/v1/${server.projectId}/publicips/${eip.id}`, {
      publicip: { port_id: srv?.nicId },
    });
    expect(bound.body.publicip).toMatchObject({ status: "ACTIVE", port_id: srv?.nicId, private_ip_address: srv?.ip });
    const listed = await signed("GET", `/v1/${server.projectId}/publicips`);
    expect(listed.body.publicips.map((p: any) => p.id)).toContain(eip.id);
    const refused = await signed("DELETE", `/v1/${server.projectId}/publicips/${eip.id}`);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: "VPC.0517" });
    const unbound = await signed("PUT", `/v1/${server.projectId}/publicips/${eip.id}`, { publicip: { port_id: "" } });
    expect(unbound.body.publicip.status).toBe("DOWN");
    expect((await signed("DELETE", `/v1/${server.projectId}/publicips/${eip.id}`)).status).toBe(204);
    expect((await signed("GET", `/v1/${server.projectId}/publicips/${eip.id}`)).status).toBe(404);
  });

  it("an EIP bound to a VIP port shows on it: on the EIP, in floating IPs by port, and on the VIP's address", async () => {
    const [a, b] = await createServers(api, net.vpcId, net.subnetId, 2);
    // The VIP is made the seed way: bound to a NIC with the ECS API, which creates its neutron:VIP_PORT port.
    const bind = await signed("PUT", `/v1/${server.projectId}/cloudservers/nics/${a?.nicId}`, {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.200", reverse_binding: true },
    });
    expect(bind.status).toBe(200);
    const found = await signed("GET", "/v2.0/ports?fixed_ips=ip_address%3D192.168.0.200");
    const vipPortId = found.body.ports[0].id;
    await signed("PUT", `/v1/${server.projectId}/cloudservers/nics/${b?.nicId}`, {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.200" },
    });
    const vip: any = await client.neutronShowPort(new vpc.NeutronShowPortRequest(vipPortId));
    expect(vip.port.device_owner).toBe("neutron:VIP_PORT");

    const eip = (
      await signed("POST", `/v1/${server.projectId}/publicips`, {
        publicip: { type: "5_bgp" },
        bandwidth: { name: "bw-vip", size: 5, share_type: "PER" },
      })
    ).body.publicip;
    const bound = await signed("PUT", `/v1/${server.projectId}/publicips/${eip.id}`, {
      publicip: { port_id: vipPortId },
    });
    expect(bound.status).toBe(200);
    const shown = (await signed("GET", `/v1/${server.projectId}/publicips/${eip.id}`)).body.publicip;
    expect(shown).toMatchObject({ status: "ACTIVE", port_id: vipPortId, private_ip_address: "192.168.0.200" });
    const byPort = await signed("GET", `/v2.0/floatingips?port_id=${vipPortId}`);
    expect(byPort.body.floatingips).toEqual([
      expect.objectContaining({
        id: eip.id,
        floating_ip_address: eip.public_ip_address,
        fixed_ip_address: "192.168.0.200",
        floating_network_id: EXTERNAL_NETWORK_ID,
        status: "ACTIVE",
      }),
    ]);
    // Deleting the VIP port unbinds the EIP; the NICs lose their pairs for it in the same transaction.
    await client.neutronDeletePort(new vpc.NeutronDeletePortRequest(vipPortId));
    const after = (await signed("GET", `/v2.0/floatingips/${eip.id}`)).body.floatingip;
    expect(after).toMatchObject({ port_id: null, fixed_ip_address: null, status: "DOWN" });
    const nic: any = await client.neutronShowPort(new vpc.NeutronShowPortRequest(b?.nicId ?? ""));
    expect(nic.port.allowed_address_pairs).toEqual([]);
  });
});
