/**
 * VPC v1 ports through the official SDK (`VpcClient` v2 of @huaweicloud/huaweicloud-sdk-vpc), and the virtual IP flow
 * the Huawei Cloud and Open Telekom Cloud Terraform providers run, replayed call for call: create the VIP with the
 * VPC v1 port API, wait until it is DOWN, associate it with two NICs through Neutron (`1.1.1.1/0` on each NIC, the
 * NICs' addresses on the VIP), read back, disassociate, delete, wait for 404.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.js";
import { SERVER_STORE_KINDS } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

Logger4jInstance.level = "off";

async function statusOf(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientRequestException);
  const exception = error as ClientRequestException;
  return { status: Number(exception.httpStatusCode), code: String(exception.errorCode) };
}

/** Polls as Terraform's state-change waiters do, until `done` holds. */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(SERVER_STORE_KINDS)(
  "VPC v1 ports and the Terraform VIP flow through the official SDK ($label)",
  (kind) => {
    let server: TestServer;
    let drop: () => Promise<void>;
    let client: vpc.VpcClient;
    let net: Awaited<ReturnType<typeof createNetwork>>;
    let nics: Awaited<ReturnType<typeof createServers>>;

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
      const api = await ApiClient.login(server.url, server.projectId, server.password);
      net = await createNetwork(api);
      nics = await createServers(api, net.vpcId, net.subnetId, 2);
    });
    // A store this machine lacks: every test is reported as skipped, the reason in the suite's title.
    beforeEach((context) => {
      if (kind.needs.skip) context.skip(kind.needs.reason);
    });
    afterAll(async () => {
      await server?.dispose();
      await drop?.();
    });

    const showV1 = async (id: string): Promise<any> =>
      ((await client.showPort(new vpc.ShowPortRequest(id))) as any).port;
    const showNeutron = async (id: string): Promise<any> =>
      ((await client.neutronShowPort(new vpc.NeutronShowPortRequest(id))) as any).port;
    const setPairs = (id: string, pairs: vpc.AllowedAddressPair[]) =>
      client.neutronUpdatePort(
        new vpc.NeutronUpdatePortRequest(id).withBody(
          new vpc.NeutronUpdatePortRequestBody(new vpc.NeutronUpdatePortOption().withAllowedAddressPairs(pairs)),
        ),
      );

    it("creates, lists, updates and deletes a port with VpcClient's v1 port calls", async () => {
      const created: any = await client.createPort(
        new vpc.CreatePortRequest().withBody(
          new vpc.CreatePortRequestBody(
            new vpc.CreatePortOption(net.subnetId)
              .withName("sdk-port")
              .withFixedIps([
                new vpc.FixedIp().withSubnetId(net.subnet.neutron_subnet_id).withIpAddress("192.168.0.50"),
              ])
              .withAllowedAddressPairs([new vpc.AllowedAddressPair("10.8.0.0/24")]),
          ),
        ),
      );
      expect(created.httpStatusCode).toBe(200);
      const port = created.port;
      expect(port).toMatchObject({
        name: "sdk-port",
        network_id: net.subnetId,
        status: "DOWN",
        fixed_ips: [{ ip_address: "192.168.0.50" }],
        allowed_address_pairs: [{ ip_address: "10.8.0.0/24" }],
      });
      const listed: any = await client.listPorts(new vpc.ListPortsRequest().withFixedIps(["ip_address=192.168.0.50"]));
      expect(listed.ports.map((p: any) => p.id)).toEqual([port.id]);
      const byNetwork: any = await client.listPorts(
        new vpc.ListPortsRequest().withNetworkId(net.subnetId).withLimit(100),
      );
      expect(byNetwork.ports.map((p: any) => p.id)).toContain(nics[0]!.nicId);

      const updated: any = await client.updatePort(
        new vpc.UpdatePortRequest(port.id).withBody(
          new vpc.UpdatePortRequestBody(
            new vpc.UpdatePortOption()
              .withName("renamed")
              .withAllowedAddressPairs([new vpc.AllowedAddressPair("1.1.1.1/0")]),
          ),
        ),
      );
      expect(updated.port).toMatchObject({
        name: "renamed",
        allowed_address_pairs: [{ ip_address: "1.1.1.1/0", mac_address: port.mac_address }],
      });

      const before = await server.store.read((tx) => tx.admin.dump());
      expect(await statusOf(client.showPort(new vpc.ShowPortRequest("missing")))).toEqual({
        status: 404,
        code: "VPC.2501",
      });
      expect(await statusOf(client.deletePort(new vpc.DeletePortRequest(nics[0]!.nicId)))).toEqual({
        status: 409,
        code: "VPC.2502",
      });
      expect(await server.store.read((tx) => tx.admin.dump())).toEqual(before);

      await client.deletePort(new vpc.DeletePortRequest(port.id));
      expect((await statusOf(client.showPort(new vpc.ShowPortRequest(port.id)))).status).toBe(404);
    });

    it("replays the Terraform VIP flow: create, wait DOWN, associate two NICs, read back, disassociate, delete", async () => {
      // huaweicloud_networking_vip: POST /v1/{project_id}/ports with device_owner neutron:VIP_PORT.
      const created: any = await client.createPort(
        new vpc.CreatePortRequest().withBody(
          new vpc.CreatePortRequestBody(
            new vpc.CreatePortOption(net.subnetId)
              .withName("tf-vip")
              .withDeviceOwner("neutron:VIP_PORT")
              .withFixedIps([new vpc.FixedIp().withSubnetId(net.subnet.neutron_subnet_id)]),
          ),
        ),
      );
      const vipId: string = created.port.id;
      const vip = await waitFor(
        () => showV1(vipId),
        (port) => port.status === "DOWN",
      );
      const vipIp: string = vip.fixed_ips[0].ip_address;

      // huaweicloud_networking_vip_associate: each NIC gets 1.1.1.1/0, the VIP port gets the NICs' addresses.
      for (const nic of nics) await setPairs(nic.nicId, [new vpc.AllowedAddressPair("1.1.1.1/0")]);
      await setPairs(
        vipId,
        nics.map((nic) => new vpc.AllowedAddressPair(nic.ip)),
      );
      for (const nic of nics) {
        expect((await showNeutron(nic.nicId)).allowed_address_pairs).toEqual([
          { ip_address: "1.1.1.1/0", mac_address: nic.mac },
        ]);
      }
      expect((await showNeutron(vipId)).allowed_address_pairs).toEqual(
        nics.map((nic) => ({ ip_address: nic.ip, mac_address: vip.mac_address })),
      );
      const readBack = await showV1(vipId);
      expect(readBack.allowed_address_pairs.map((pair: any) => pair.ip_address)).toEqual(nics.map((nic) => nic.ip));
      expect(readBack.fixed_ips[0].ip_address).toBe(vipIp);

      // Disassociate: the VIP port's pairs go, then each NIC's.
      await setPairs(vipId, []);
      for (const nic of nics) await setPairs(nic.nicId, []);
      expect((await showNeutron(vipId)).allowed_address_pairs).toEqual([]);

      await client.deletePort(new vpc.DeletePortRequest(vipId));
      const gone = await waitFor(
        () => statusOf(client.showPort(new vpc.ShowPortRequest(vipId))),
        (answer) => answer.status === 404,
      );
      expect(gone.code).toBe("VPC.2501");
      const report = await server.store.read((tx) => tx.admin.dump());
      expect(report.ports!.some((row) => row.id === vipId)).toBe(false);
    });
  },
);
