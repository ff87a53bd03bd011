import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  suite = await openHttpSuite();
  ({ server, api } = suite);
});
afterAll(async () => server.dispose());

const expectRejected = (method: string, path: string, body: unknown, status: number, code: string) =>
  expectRefused(suite, { method, path, body }, { status, code }).then((response) =>
    expect(response.body.error_code).toBe(code),
  );

describe("VPCs", () => {
  it("creates, shows, lists and deletes", async () => {
    const created = await api.call("POST", api.p("/vpcs"), {
      vpc: { name: "vpc-a", cidr: "10.1.0.0/16", description: "d" },
    });
    expect(created.status).toBe(200);
    const vpc = created.body.vpc;
    expect(vpc).toMatchObject({
      name: "vpc-a",
      cidr: "10.1.0.0/16",
      description: "d",
      status: "OK",
      tenant_id: server.projectId,
    });
    expect((await api.call("GET", api.p(`/vpcs/${vpc.id}`))).body.vpc.id).toBe(vpc.id);
    expect((await api.call("GET", api.p("/vpcs"))).body.vpcs.map((v: any) => v.id)).toContain(vpc.id);
    expect((await api.call("DELETE", api.p(`/vpcs/${vpc.id}`))).status).toBe(204);
    await expectRejected("GET", api.p(`/vpcs/${vpc.id}`), undefined, 404, "VPC.0003");
  });

  it.each(["10.0.0.0/33", "10.0.0.1/16", "8.8.0.0/16", "10.0.0.0/25", "banana", "10.0.0.0 /16"])(
    "rejects cidr %j with VPC.0101",
    async (cidr) => {
      await expectRejected("POST", api.p("/vpcs"), { vpc: { name: "x", cidr } }, 400, "VPC.0101");
    },
  );

  it("refuses a name another VPC of the project has (VPC.0115), on create and on update; blank names may repeat", async () => {
    const first = (await api.call("POST", api.p("/vpcs"), { vpc: { name: "taken", cidr: "10.2.0.0/16" } })).body.vpc;
    await expectRejected("POST", api.p("/vpcs"), { vpc: { name: "taken", cidr: "10.3.0.0/16" } }, 400, "VPC.0115");
    const second = (await api.call("POST", api.p("/vpcs"), { vpc: { name: "free", cidr: "10.3.0.0/16" } })).body.vpc;
    await expectRejected("PUT", api.p(`/vpcs/${second.id}`), { vpc: { name: "taken" } }, 400, "VPC.0115");
    // Its own name again is no conflict.
    expect((await api.call("PUT", api.p(`/vpcs/${first.id}`), { vpc: { name: "taken" } })).status).toBe(200);
    const blank = async () => (await api.call("POST", api.p("/vpcs"), { vpc: { name: "" } })).status;
    expect([await blank(), await blank()]).toEqual([200, 200]);
    // Once the holder is gone the name is free again.
    expect((await api.call("DELETE", api.p(`/vpcs/${first.id}`))).status).toBe(204);
    expect((await api.call("PUT", api.p(`/vpcs/${second.id}`), { vpc: { name: "taken" } })).status).toBe(200);
  });

  it("rejects a bad name and a non-object body", async () => {
    await expectRejected("POST", api.p("/vpcs"), { vpc: { name: "has space" } }, 400, "VPC.0101");
    await expectRejected("POST", api.p("/vpcs"), { vpc: [] }, 400, "VPC.0101");
    await expectRejected("POST", api.p("/vpcs"), "not json", 400, "VPC.0101");
  });

  it("a VPC with subnets cannot be deleted", async () => {
    const net = await createNetwork(api, "172.16.1.0/24", "172.16.0.0/16");
    await expectRejected("DELETE", api.p(`/vpcs/${net.vpcId}`), undefined, 409, "VPC.0104");
  });
});

describe("subnets", () => {
  it("creates with system ports at the gateway, broadcast-1 and broadcast-2", async () => {
    const net = await createNetwork(api, "192.168.10.0/24", "192.168.0.0/16");
    expect(net.subnet).toMatchObject({
      cidr: "192.168.10.0/24",
      gateway_ip: "192.168.10.1",
      status: "ACTIVE",
      neutron_network_id: net.subnetId,
      availability_zone: "local-1a",
    });
    expect(net.subnet.neutron_subnet_id).not.toBe(net.subnetId);
    const ports = (await api.call("GET", `/v2.0/ports?network_id=${net.subnetId}`)).body.ports;
    const owners = ports.map((p: any) => [p.fixed_ips[0].ip_address, p.device_owner]).sort();
    expect(owners).toEqual([
      ["192.168.10.1", "network:router_interface_distributed"],
      ["192.168.10.253", "network:router_interface_distributed"],
      ["192.168.10.254", "network:dhcp"],
    ]);
  });

  it("validates CIDR, gateway, range and overlap", async () => {
    const net = await createNetwork(api, "192.168.20.0/24", "192.168.0.0/16");
    const subnet = (over: object) => ({
      subnet: { name: "s", cidr: "192.168.21.0/24", gateway_ip: "192.168.21.1", vpc_id: net.vpcId, ...over },
    });
    await expectRejected("POST", api.p("/subnets"), subnet({ cidr: "192.168.21.0/29" }), 400, "VPC.0212");
    await expectRejected("POST", api.p("/subnets"), subnet({ cidr: "192.168.21.5/24" }), 400, "VPC.0212");
    await expectRejected("POST", api.p("/subnets"), subnet({ gateway_ip: "192.168.22.1" }), 400, "VPC.0201");
    await expectRejected("POST", api.p("/subnets"), subnet({ gateway_ip: "192.168.21.254" }), 400, "VPC.0201");
    await expectRejected(
      "POST",
      api.p("/subnets"),
      subnet({ cidr: "10.0.0.0/24", gateway_ip: "10.0.0.1" }),
      400,
      "VPC.0203",
    );
    await expectRejected(
      "POST",
      api.p("/subnets"),
      subnet({ cidr: "192.168.20.128/25", gateway_ip: "192.168.20.129" }),
      400,
      "VPC.0204",
    );
    await expectRejected("POST", api.p("/subnets"), subnet({ vpc_id: "nope" }), 404, "VPC.0003");
    await expectRejected("POST", api.p("/subnets"), subnet({ name: 7 }), 400, "VPC.0201");
  });

  it("a subnet with server NICs cannot be deleted; an empty one can", async () => {
    const net = await createNetwork(api, "192.168.30.0/24", "192.168.0.0/16");
    const [srv] = await createServers(api, net.vpcId, net.subnetId, 1);
    await expectRejected("DELETE", api.p(`/vpcs/${net.vpcId}/subnets/${net.subnetId}`), undefined, 409, "VPC.0209");
    await api.call("POST", api.p("/cloudservers/delete"), { servers: [{ id: srv!.serverId }] });
    expect((await api.call("DELETE", api.p(`/vpcs/${net.vpcId}/subnets/${net.subnetId}`))).status).toBe(204);
    expect((await api.call("GET", `/v2.0/ports?network_id=${net.subnetId}`)).body.ports).toEqual([]);
    await expectRejected("GET", api.p(`/subnets/${net.subnetId}`), undefined, 404, "VPC.0202");
  });
});

describe("private IPs", () => {
  it("assigns specific and automatic addresses, all or nothing", async () => {
    const net = await createNetwork(api, "192.168.40.0/24", "192.168.0.0/16");
    const assigned = await api.call("POST", api.p("/privateips"), {
      privateips: [{ subnet_id: net.subnetId, ip_address: "192.168.40.9" }, { subnet_id: net.subnetId }],
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.privateips.map((p: any) => [p.ip_address, p.device_owner, p.status])).toEqual([
      ["192.168.40.9", "", "DOWN"],
      ["192.168.40.2", "", "DOWN"],
    ]);
    const first = assigned.body.privateips[0];
    expect((await api.call("GET", api.p(`/privateips/${first.id}`))).body.privateip).toEqual(first);
    await expectRejected(
      "POST",
      api.p("/privateips"),
      { privateips: [{ subnet_id: net.subnetId, ip_address: "192.168.40.9" }] },
      409,
      "VPC.0701",
    );
    await expectRejected(
      "POST",
      api.p("/privateips"),
      {
        privateips: [
          { subnet_id: net.subnetId, ip_address: "192.168.40.60" },
          { subnet_id: net.subnetId, ip_address: "192.168.40.60" },
        ],
      },
      409,
      "VPC.0701",
    );
    await expectRejected(
      "POST",
      api.p("/privateips"),
      { privateips: [{ subnet_id: net.subnetId, ip_address: "192.168.41.9" }] },
      400,
      "VPC.0705",
    );
    await expectRejected("POST", api.p("/privateips"), { privateips: [{ subnet_id: "nope" }] }, 404, "VPC.2204");
    const listed = (await api.call("GET", api.p(`/subnets/${net.subnetId}/privateips`))).body.privateips;
    expect(listed.map((p: any) => p.ip_address).sort()).toEqual([
      "192.168.40.1",
      "192.168.40.2",
      "192.168.40.253",
      "192.168.40.254",
      "192.168.40.9",
    ]);
    expect((await api.call("DELETE", api.p(`/privateips/${first.id}`))).status).toBe(204);
    await expectRejected("GET", api.p(`/privateips/${first.id}`), undefined, 404, "VPC.0704");
  });

  it("hands out every free address of a small subnet, then VPC.0703", async () => {
    const net = await createNetwork(api, "10.20.0.0/28", "10.20.0.0/16");
    const got: string[] = [];
    for (;;) {
      const response = await api.call("POST", api.p("/privateips"), { privateips: [{ subnet_id: net.subnetId }] });
      if (response.status !== 200) {
        expect(response.status).toBe(409);
        expect(response.body.code).toBe("VPC.0703");
        break;
      }
      got.push(response.body.privateips[0].ip_address);
    }
    expect(got).toEqual(Array.from({ length: 11 }, (_, i) => `10.20.0.${i + 2}`));
  });

  it("a VIP that NICs still use cannot be released; a NIC address never", async () => {
    const net = await createNetwork(api, "192.168.50.0/24", "192.168.0.0/16");
    const [a] = await createServers(api, net.vpcId, net.subnetId, 1);
    await api.call("PUT", api.p(`/cloudservers/nics/${a!.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.50.99" },
    });
    const vip = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.50.99")).body.ports[0];
    await expectRejected("DELETE", api.p(`/privateips/${vip.id}`), undefined, 409, "VPC.0707");
    await expectRejected("DELETE", api.p(`/privateips/${a!.nicId}`), undefined, 409, "VPC.0707");
    await api.call("PUT", api.p(`/cloudservers/nics/${a!.nicId}`), { nic: { subnet_id: "", ip_address: "" } });
    expect((await api.call("DELETE", api.p(`/privateips/${vip.id}`))).status).toBe(204);
  });
});
