/**
 * Neutron-native networks and subnets through the official SDK (`VpcClient` v2 of @huaweicloud/huaweicloud-sdk-vpc:
 * neutronCreateNetwork … neutronDeleteSubnet), then a port in them, on every store this machine has.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SERVER_STORE_KINDS } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";

Logger4jInstance.level = "off";

async function statusOf(call: Promise<unknown>): Promise<number> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientRequestException);
  return Number((error as ClientRequestException).httpStatusCode);
}

const pool = (start: string, end: string) => new vpc.AllocationPool().withStart(start).withEnd(end);

describe.each(SERVER_STORE_KINDS)("Neutron networks and subnets through the official SDK ($label)", (kind) => {
  let server: TestServer;
  let drop: () => Promise<void>;
  let client: vpc.VpcClient;

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
  });
  beforeEach((context) => {
    if (kind.needs.skip) context.skip(kind.needs.reason);
  });
  afterAll(async () => {
    await server?.dispose();
    await drop?.();
  });

  it("creates, shows, lists, updates and deletes a network and its subnet; a port takes the pool's first address", async () => {
    const option = new vpc.NeutronCreateNetworkOption().withName("sdk-net").withAdminStateUp(true);
    const created: any = await client.neutronCreateNetwork(
      new vpc.NeutronCreateNetworkRequest().withBody(new vpc.NeutronCreateNetworkRequestBody(option)),
    );
    const network = created.network;
    expect(network).toMatchObject({ name: "sdk-net", status: "ACTIVE", subnets: [], revision_number: 0 });

    const listed: any = await client.neutronListNetworks(new vpc.NeutronListNetworksRequest().withName("sdk-net"));
    expect(listed.networks.map((n: any) => n.id)).toEqual([network.id]);
    const renamed: any = await client.neutronUpdateNetwork(
      new vpc.NeutronUpdateNetworkRequest(network.id).withBody(
        new vpc.NeutronUpdateNetworkRequestBody(new vpc.NeutronUpdateNetworkOption().withName("sdk-net-2")),
      ),
    );
    expect(renamed.network).toMatchObject({ name: "sdk-net-2", revision_number: 1 });

    const subnetOption = new vpc.NeutronCreateSubnetOption("10.80.0.0/24", network.id)
      .withName("sdk-sub")
      .withIpVersion(4)
      .withAllocationPools([pool("10.80.0.20", "10.80.0.30")])
      .withDnsNameservers(["10.80.0.53"])
      .withEnableDhcp(true);
    const subnet: any = (
      (await client.neutronCreateSubnet(
        new vpc.NeutronCreateSubnetRequest().withBody(new vpc.NeutronCreateSubnetRequestBody(subnetOption)),
      )) as any
    ).subnet;
    expect(subnet).toMatchObject({
      network_id: network.id,
      cidr: "10.80.0.0/24",
      gateway_ip: "10.80.0.1",
      allocation_pools: [{ start: "10.80.0.20", end: "10.80.0.30" }],
      dns_nameservers: ["10.80.0.53"],
    });
    const shown: any = await client.neutronShowSubnet(new vpc.NeutronShowSubnetRequest(subnet.id));
    expect(shown.subnet.id).toBe(subnet.id);
    const byCidr: any = await client.neutronListSubnets(
      new vpc.NeutronListSubnetsRequest().withNetworkId(network.id).withCidr("10.80.0.0/24"),
    );
    expect(byCidr.subnets.map((s: any) => s.id)).toEqual([subnet.id]);
    const overlapping = new vpc.NeutronCreateSubnetOption("10.80.0.128/25", network.id);
    expect(
      await statusOf(
        client.neutronCreateSubnet(
          new vpc.NeutronCreateSubnetRequest().withBody(new vpc.NeutronCreateSubnetRequestBody(overlapping)),
        ),
      ),
    ).toBe(400);

    const updated: any = await client.neutronUpdateSubnet(
      new vpc.NeutronUpdateSubnetRequest(subnet.id).withBody(
        new vpc.NeutronUpdateSubnetRequestBody(
          new vpc.NeutronUpdateSubnetOption()
            .withName("sdk-sub-2")
            .withAllocationPools([pool("10.80.0.40", "10.80.0.41")]),
        ),
      ),
    );
    expect(updated.subnet).toMatchObject({ name: "sdk-sub-2", revision_number: 1 });

    const port: any = await client.neutronCreatePort(
      new vpc.NeutronCreatePortRequest().withBody(
        new vpc.NeutronCreatePortRequestBody(new vpc.NeutronCreatePortOption().withNetworkId(network.id)),
      ),
    );
    expect(port.port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: "10.80.0.40" }]);
    expect(await statusOf(client.neutronDeleteSubnet(new vpc.NeutronDeleteSubnetRequest(subnet.id)))).toBe(409);
    expect(await statusOf(client.neutronDeleteNetwork(new vpc.NeutronDeleteNetworkRequest(network.id)))).toBe(409);
    await client.neutronDeletePort(new vpc.NeutronDeletePortRequest(port.port.id));
    await client.neutronDeleteSubnet(new vpc.NeutronDeleteSubnetRequest(subnet.id));
    await client.neutronDeleteNetwork(new vpc.NeutronDeleteNetworkRequest(network.id));
    expect(await statusOf(client.neutronShowNetwork(new vpc.NeutronShowNetworkRequest(network.id)))).toBe(404);
  });
});
