import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  suite = await openHttpSuite({});
  ({ server, api } = suite);
});
afterAll(async () => server.dispose());

const expectRejected = (method: string, path: string, body: unknown, status: number, code: string) =>
  expectRefused(suite, { method, path, body }, { status, code });

describe("PUT of VPCs and subnets", () => {
  it("renames a VPC and widens its CIDR, never below its subnets", async () => {
    const net = await createNetwork(api, "192.168.5.0/24", "192.168.0.0/20");
    const updated = await api.call("PUT", api.p(`/vpcs/${net.vpcId}`), {
      vpc: { name: "renamed", description: "wider", cidr: "192.168.0.0/16" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.vpc).toMatchObject({
      id: net.vpcId,
      name: "renamed",
      description: "wider",
      cidr: "192.168.0.0/16",
    });
    expect((await api.call("GET", api.p(`/vpcs/${net.vpcId}`))).body.vpc.name).toBe("renamed");
    await expectRejected("PUT", api.p(`/vpcs/${net.vpcId}`), { vpc: { cidr: "10.0.0.0/16" } }, 400, "VPC.0101");
    await expectRejected("PUT", api.p(`/vpcs/${net.vpcId}`), { vpc: { description: "<b>" } }, 400, "VPC.0101");
    await expectRejected("PUT", api.p("/vpcs/missing"), { vpc: { name: "x" } }, 404, "VPC.0003");
  });

  it("updates a subnet's name, DHCP, DNS list and DHCP options, answers id and status, and keeps them", async () => {
    const net = await createNetwork(api, "192.168.6.0/24", "192.168.0.0/16");
    const updated = await api.call("PUT", api.p(`/vpcs/${net.vpcId}/subnets/${net.subnetId}`), {
      subnet: {
        name: "sub-new",
        description: "d",
        dhcp_enable: false,
        dnsList: ["100.125.1.250", "100.125.21.250"],
        extra_dhcp_opts: [{ opt_name: "ntp", opt_value: "192.168.6.10" }],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ subnet: { id: net.subnetId, status: "ACTIVE" } });
    const shown = (await api.call("GET", api.p(`/subnets/${net.subnetId}`))).body.subnet;
    expect(shown).toMatchObject({
      name: "sub-new",
      description: "d",
      dhcp_enable: false,
      primary_dns: "100.125.1.250",
      secondary_dns: "100.125.21.250",
      dnsList: ["100.125.1.250", "100.125.21.250"],
      extra_dhcp_opts: [{ opt_name: "ntp", opt_value: "192.168.6.10" }],
    });
    expect((await api.call("GET", `/v2.0/networks/${net.subnetId}`)).body.network.name).toBe("sub-new");
    const path = api.p(`/vpcs/${net.vpcId}/subnets/${net.subnetId}`);
    await expectRejected("PUT", path, { subnet: { description: "no name" } }, 400, "VPC.0201");
    await expectRejected("PUT", path, { subnet: { name: "x", primary_dns: "nope" } }, 400, "VPC.0201");
    await expectRejected(
      "PUT",
      path,
      { subnet: { name: "x", extra_dhcp_opts: [{ opt_name: "bad" }] } },
      400,
      "VPC.0201",
    );
    await expectRejected(
      "PUT",
      api.p(`/vpcs/other/subnets/${net.subnetId}`),
      { subnet: { name: "x" } },
      400,
      "VPC.0207",
    );
    await expectRejected(
      "PUT",
      api.p(`/vpcs/${net.vpcId}/subnets/missing`),
      { subnet: { name: "x" } },
      404,
      "VPC.0202",
    );
  });

  it("keeps dnsList and extra_dhcp_opts given at create", async () => {
    const vpc = (await api.call("POST", api.p("/vpcs"), { vpc: { name: "dns", cidr: "10.20.0.0/16" } })).body.vpc;
    const created = await api.call("POST", api.p("/subnets"), {
      subnet: {
        name: "dns",
        cidr: "10.20.1.0/24",
        gateway_ip: "10.20.1.1",
        vpc_id: vpc.id,
        dnsList: ["10.20.1.53"],
        extra_dhcp_opts: [{ opt_name: "addresstime", opt_value: "24h" }],
      },
    });
    expect(created.body.subnet).toMatchObject({
      primary_dns: "10.20.1.53",
      dnsList: ["10.20.1.53"],
      extra_dhcp_opts: [{ opt_name: "addresstime", opt_value: "24h" }],
    });
  });

  it("refuses to delete a subnet used by servers with VPC.0209", async () => {
    const net = await createNetwork(api, "192.168.7.0/24", "192.168.0.0/16");
    await createServers(api, net.vpcId, net.subnetId, 1);
    await expectRejected("DELETE", api.p(`/vpcs/${net.vpcId}/subnets/${net.subnetId}`), undefined, 409, "VPC.0209");
  });
});
