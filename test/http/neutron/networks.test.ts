import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
});
afterAll(async () => server.dispose());

const dump = () => server.store.read((tx) => tx.admin.dump());

async function expectNeutronError(method: string, path: string, body: unknown, status: number, type: string) {
  const before = await dump();
  const response = await api.call(method, path, body);
  expect(response.status).toBe(status);
  expect(response.body.NeutronError.type).toBe(type);
  expect(await dump()).toEqual(before);
  return response.body.NeutronError.message as string;
}

async function nativeNetwork(name = "native") {
  const created = await api.call("POST", "/v2.0/networks", { network: { name, admin_state_up: true } });
  expect(created.status).toBe(201);
  return created.body.network as { id: string; revision_number: number };
}

async function nativeSubnet(networkId: string, cidr: string, extra: Record<string, unknown> = {}) {
  const created = await api.call("POST", "/v2.0/subnets", {
    subnet: { network_id: networkId, cidr, ip_version: 4, name: `sub-${cidr}`, ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.subnet;
}

describe("Neutron networks", () => {
  it("shows a VPC v1 subnet as a Neutron network with its Neutron subnet", async () => {
    const net = await createNetwork(api);
    const shown = await api.call("GET", `/v2.0/networks/${net.subnetId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.network).toMatchObject({ id: net.subnetId, subnets: [net.subnet.neutron_subnet_id] });
    const byName = await api.call("GET", `/v2.0/networks?name=${net.subnet.name}`);
    expect(byName.body.networks.map((n: any) => n.id)).toEqual([net.subnetId]);
    const missing = await api.call("GET", "/v2.0/networks/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.NeutronError.type).toBe("NetworkNotFound");
    const subnet = await api.call("GET", `/v2.0/subnets/${net.subnet.neutron_subnet_id}`);
    expect(subnet.body.subnet).toMatchObject({
      id: net.subnet.neutron_subnet_id,
      network_id: net.subnetId,
      cidr: "192.168.0.0/24",
      gateway_ip: "192.168.0.1",
      allocation_pools: [{ start: "192.168.0.2", end: "192.168.0.252" }],
      ip_version: 4,
      enable_dhcp: true,
    });
  });

  it("creates a network without a subnet, updates it with a new revision, lists and deletes it", async () => {
    const network = await nativeNetwork("net-crud");
    expect(network).toMatchObject({
      name: "net-crud",
      subnets: [],
      status: "ACTIVE",
      admin_state_up: true,
      shared: false,
      "router:external": false,
      port_security_enabled: true,
      project_id: server.projectId,
      revision_number: 0,
    });
    const updated = await api.call("PUT", `/v2.0/networks/${network.id}`, {
      network: { name: "net-renamed", port_security_enabled: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.network).toMatchObject({
      name: "net-renamed",
      port_security_enabled: false,
      revision_number: 1,
    });
    const again = await api.call("PUT", `/v2.0/networks/${network.id}`, { network: { name: "net-again" } });
    expect(again.body.network.revision_number).toBe(2);
    // A port created on it without port_security_enabled takes the network's setting, and has no address.
    const port = await api.call("POST", "/v2.0/ports", { port: { network_id: network.id } });
    expect(port.status).toBe(201);
    expect(port.body.port).toMatchObject({ port_security_enabled: false, fixed_ips: [], security_groups: [] });
    const listed = await api.call("GET", `/v2.0/networks?id=${network.id}&name=net-again`);
    expect(listed.body.networks.map((n: any) => n.id)).toEqual([network.id]);
    expect((await api.call("GET", "/v2.0/networks?admin_state_up=false")).body.networks).toEqual([]);
    const inUse = await expectNeutronError("DELETE", `/v2.0/networks/${network.id}`, undefined, 409, "NetworkInUse");
    expect(inUse).toBe(
      `Unable to complete operation on network ${network.id}. There are one or more ports still in use on the network.`,
    );
    expect((await api.call("DELETE", `/v2.0/ports/${port.body.port.id}`)).status).toBe(204);
    expect((await api.call("DELETE", `/v2.0/networks/${network.id}`)).status).toBe(204);
    expect((await api.call("GET", `/v2.0/networks/${network.id}`)).status).toBe(404);
  });

  it("pages networks by id, forwards and backwards, with a next link", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await nativeNetwork(name);
    const all = (await api.call("GET", "/v2.0/networks")).body.networks.map((n: any) => n.id as string);
    const sorted = [...all].sort();
    expect(all).toEqual(sorted);
    const first = await api.call("GET", "/v2.0/networks?limit=2");
    expect(first.body.networks.map((n: any) => n.id)).toEqual(sorted.slice(0, 2));
    expect(first.body.networks_links[0].href).toContain(`marker=${sorted[1]}`);
    const next = await api.call("GET", `/v2.0/networks?limit=2&marker=${sorted[1]}`);
    expect(next.body.networks.map((n: any) => n.id)).toEqual(sorted.slice(2, 4));
    const back = await api.call("GET", `/v2.0/networks?limit=1&marker=${sorted[2]}&page_reverse=true`);
    expect(back.body.networks.map((n: any) => n.id)).toEqual([sorted[1]]);
    const external = await api.call("GET", "/v2.0/networks?router:external=true");
    expect(external.body.networks).toMatchObject([{ name: "admin_external_net", "router:external": true }]);
    expect((await api.call("GET", "/v2.0/networks?tenant_id=someone-else")).body.networks).toEqual([]);
  });

  it("refuses what the cloud refuses and changes nothing", async () => {
    await expectNeutronError(
      "POST",
      "/v2.0/networks",
      { network: { name: "admin_external_net" } },
      400,
      "InvalidInput",
    );
    await expectNeutronError("POST", "/v2.0/networks", { network: { admin_state_up: false } }, 400, "InvalidInput");
    await expectNeutronError("POST", "/v2.0/networks", { network: { shared: true } }, 400, "BadRequest");
    await expectNeutronError("POST", "/v2.0/networks", { network: { name: 5 } }, 400, "BadRequest");
    await expectNeutronError("PUT", "/v2.0/networks/nope", { network: { name: "x" } }, 404, "NetworkNotFound");
    await expectNeutronError("PUT", "/v2.0/networks/nope", { network: {} }, 400, "BadRequest");
    await expectNeutronError("DELETE", "/v2.0/networks/nope", undefined, 404, "NetworkNotFound");
    const net = await createNetwork(api, "192.168.7.0/24", "192.168.0.0/16");
    await expectNeutronError("DELETE", `/v2.0/networks/${net.subnetId}`, undefined, 409, "NetworkInUse");
  });
});

describe("Neutron subnets", () => {
  it("creates a subnet with pools, DNS servers and host routes (ignored), lists, updates and deletes it", async () => {
    const network = await nativeNetwork("with-subnet");
    const subnet = await nativeSubnet(network.id, "10.20.0.0/24", {
      allocation_pools: [{ start: "10.20.0.100", end: "10.20.0.101" }],
      dns_nameservers: ["10.20.0.53"],
      host_routes: [{ destination: "10.30.0.0/24", nexthop: "10.20.0.1" }],
      enable_dhcp: true,
    });
    expect(subnet).toMatchObject({
      network_id: network.id,
      cidr: "10.20.0.0/24",
      gateway_ip: "10.20.0.1",
      allocation_pools: [{ start: "10.20.0.100", end: "10.20.0.101" }],
      dns_nameservers: ["10.20.0.53"],
      host_routes: [],
      enable_dhcp: true,
      ip_version: 4,
      revision_number: 0,
      project_id: server.projectId,
    });
    expect((await api.call("GET", `/v2.0/networks/${network.id}`)).body.network.subnets).toEqual([subnet.id]);
    // A native subnet belongs to no VPC: the VPC v1 API does not see it.
    expect((await api.call("GET", api.p(`/subnets/${subnet.id}`))).status).toBe(404);
    const vpcList = (await api.call("GET", api.p("/subnets"))).body.subnets.map((s: any) => s.id);
    expect(vpcList).not.toContain(subnet.id);

    // Automatic addresses come from the pools; a requested one may be any free host address of the CIDR.
    const first = await api.call("POST", "/v2.0/ports", { port: { network_id: network.id } });
    const second = await api.call("POST", "/v2.0/ports", { port: { network_id: network.id } });
    expect([first.body.port.fixed_ips, second.body.port.fixed_ips]).toEqual([
      [{ subnet_id: subnet.id, ip_address: "10.20.0.100" }],
      [{ subnet_id: subnet.id, ip_address: "10.20.0.101" }],
    ]);
    await expectNeutronError(
      "POST",
      "/v2.0/ports",
      { port: { network_id: network.id } },
      409,
      "IpAddressGenerationFailure",
    );
    const outside = await api.call("POST", "/v2.0/ports", {
      port: { network_id: network.id, fixed_ips: [{ ip_address: "10.20.0.7" }] },
    });
    expect(outside.status).toBe(201);
    expect(outside.body.port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: "10.20.0.7" }]);

    const listed = await api.call("GET", `/v2.0/subnets?network_id=${network.id}&cidr=10.20.0.0/24&enable_dhcp=true`);
    expect(listed.body.subnets.map((s: any) => s.id)).toEqual([subnet.id]);
    expect((await api.call("GET", `/v2.0/subnets?network_id=${network.id}&ip_version=6`)).body.subnets).toEqual([]);

    const updated = await api.call("PUT", `/v2.0/subnets/${subnet.id}`, {
      subnet: { name: "renamed", allocation_pools: [{ start: "10.20.0.110", end: "10.20.0.120" }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.subnet).toMatchObject({
      name: "renamed",
      allocation_pools: [{ start: "10.20.0.110", end: "10.20.0.120" }],
      revision_number: 1,
    });
    const third = await api.call("POST", "/v2.0/ports", { port: { network_id: network.id } });
    expect(third.body.port.fixed_ips[0].ip_address).toBe("10.20.0.110");

    const inUse = await expectNeutronError("DELETE", `/v2.0/subnets/${subnet.id}`, undefined, 409, "SubnetInUse");
    expect(inUse).toBe(
      `Unable to complete operation on subnet ${subnet.id}: One or more ports have an IP allocation from this subnet.`,
    );
    for (const port of [first, second, outside, third]) {
      expect((await api.call("DELETE", `/v2.0/ports/${port.body.port.id}`)).status).toBe(204);
    }
    expect((await api.call("DELETE", `/v2.0/subnets/${subnet.id}`)).status).toBe(204);
    expect((await api.call("GET", `/v2.0/subnets/${subnet.id}`)).status).toBe(404);
    expect((await api.call("GET", `/v2.0/networks/${network.id}`)).body.network.subnets).toEqual([]);
    expect((await api.call("DELETE", `/v2.0/networks/${network.id}`)).status).toBe(204);
  });

  it("holds several subnets in one network, each port's address from the subnet that holds it", async () => {
    const network = await nativeNetwork("two-subnets");
    const a = await nativeSubnet(network.id, "10.40.0.0/28");
    const b = await nativeSubnet(network.id, "10.40.1.0/24");
    const inB = await api.call("POST", "/v2.0/ports", {
      port: { network_id: network.id, fixed_ips: [{ ip_address: "10.40.1.9" }] },
    });
    expect(inB.body.port.fixed_ips).toEqual([{ subnet_id: b.id, ip_address: "10.40.1.9" }]);
    const bySubnet = await api.call("POST", "/v2.0/ports", {
      port: { network_id: network.id, fixed_ips: [{ subnet_id: a.id }] },
    });
    expect(bySubnet.body.port.fixed_ips[0]).toMatchObject({ subnet_id: a.id });
    // Deleting the network takes its subnets and their own ports once no other port is left.
    for (const port of [inB, bySubnet]) await api.call("DELETE", `/v2.0/ports/${port.body.port.id}`);
    expect((await api.call("DELETE", `/v2.0/networks/${network.id}`)).status).toBe(204);
    expect((await api.call("GET", `/v2.0/subnets/${a.id}`)).status).toBe(404);
    const left = await dump();
    expect(left.subnets?.some((row) => row.network_id === network.id)).toBe(false);
    expect(left.ports?.some((row) => row.network_id === network.id)).toBe(false);
  });

  it("refuses overlapping CIDRs in a network, bad pools and the rest with Neutron's types, changing nothing", async () => {
    const network = await nativeNetwork("refusals");
    await nativeSubnet(network.id, "10.50.0.0/24");
    const overlap = await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      { subnet: { network_id: network.id, cidr: "10.50.0.0/25", ip_version: 4 } },
      400,
      "InvalidInput",
    );
    expect(overlap).toBe(
      `Invalid input for operation: Requested subnet with cidr: 10.50.0.0/25 for network: ${network.id} overlaps with another subnet.`,
    );
    const post = (subnet: Record<string, unknown>) => ({ subnet: { network_id: network.id, ...subnet } });
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({ cidr: "10.51.0.0/24", allocation_pools: [{ start: "10.51.0.9", end: "10.51.0.3" }] }),
      400,
      "InvalidAllocationPool",
    );
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({ cidr: "10.51.0.0/24", allocation_pools: [{ start: "10.51.0.2", end: "10.51.1.3" }] }),
      400,
      "OutOfBoundsAllocationPool",
    );
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({
        cidr: "10.51.0.0/24",
        allocation_pools: [
          { start: "10.51.0.2", end: "10.51.0.20" },
          { start: "10.51.0.10", end: "10.51.0.30" },
        ],
      }),
      409,
      "OverlappingAllocationPools",
    );
    const gateway = await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({ cidr: "10.51.0.0/24", allocation_pools: [{ start: "10.51.0.1", end: "10.51.0.20" }] }),
      409,
      "GatewayConflictWithAllocationPools",
    );
    expect(gateway).toBe("Gateway ip 10.51.0.1 conflicts with allocation pool 10.51.0.1-10.51.0.20.");
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({ cidr: "10.51.0.0/24", ip_version: 6 }),
      400,
      "InvalidInput",
    );
    await expectNeutronError("POST", "/v2.0/subnets", post({ cidr: "8.8.8.0/24" }), 400, "InvalidInput");
    await expectNeutronError("POST", "/v2.0/subnets", post({ cidr: "10.51.0.0/29" }), 400, "InvalidInput");
    await expectNeutronError("POST", "/v2.0/subnets", post({ cidr: "10.51.0.1/24" }), 400, "InvalidInput");
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      post({
        cidr: "10.51.0.0/24",
        dns_nameservers: ["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5", "1.1.1.6"],
      }),
      400,
      "InvalidInput",
    );
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      { subnet: { network_id: "nope", cidr: "10.51.0.0/24" } },
      404,
      "NetworkNotFound",
    );
    const vpcNet = await createNetwork(api, "192.168.9.0/24", "192.168.0.0/16");
    await expectNeutronError(
      "POST",
      "/v2.0/subnets",
      { subnet: { network_id: vpcNet.subnetId, cidr: "192.168.10.0/24" } },
      400,
      "InvalidInput",
    );
    await expectNeutronError(
      "DELETE",
      `/v2.0/subnets/${vpcNet.subnet.neutron_subnet_id}`,
      undefined,
      409,
      "SubnetInUse",
    );
    await expectNeutronError("GET", "/v2.0/subnets/nope", undefined, 404, "SubnetNotFound");
    await expectNeutronError("PUT", "/v2.0/subnets/nope", { subnet: { name: "x" } }, 404, "SubnetNotFound");
    await expectNeutronError(
      "PUT",
      `/v2.0/subnets/${vpcNet.subnet.neutron_subnet_id}`,
      { subnet: { gateway_ip: "192.168.9.5" } },
      400,
      "InvalidInput",
    );
  });

  it("updates a VPC v1 subnet through Neutron: one record, one name, a new revision each time", async () => {
    const net = await createNetwork(api, "192.168.20.0/24", "192.168.0.0/16");
    const [srv] = await createServers(api, net.vpcId, net.subnetId, 1);
    expect(srv).toBeDefined();
    const put = await api.call("PUT", `/v2.0/subnets/${net.subnet.neutron_subnet_id}`, {
      subnet: { name: "from-neutron", dns_nameservers: ["192.168.20.53"] },
    });
    expect(put.body.subnet).toMatchObject({ name: "from-neutron", revision_number: 1 });
    const v1 = await api.call("GET", api.p(`/subnets/${net.subnetId}`));
    expect(v1.body.subnet).toMatchObject({ name: "from-neutron", primary_dns: "192.168.20.53" });
    expect((await api.call("GET", `/v2.0/networks/${net.subnetId}`)).body.network.name).toBe("from-neutron");
  });
});

describe("extensions", () => {
  it("lists exactly the aliases implemented, and shows each; an unknown alias is 404", async () => {
    const listed = await api.call("GET", "/v2.0/extensions");
    expect(listed.body.extensions.map((e: any) => e.alias)).toEqual([
      "allowed-address-pairs",
      "ext-gw-mode",
      "external-net",
      "extra_dhcp_opt",
      "extraroute",
      "extraroute-atomic",
      "fip-port-details",
      "ip-substring-filtering",
      "pagination",
      "port-security",
      "project-id",
      "revision-if-match",
      "router",
      "security-group",
      "sorting",
      "standard-attr-description",
      "standard-attr-revisions",
      "standard-attr-timestamp",
    ]);
    for (const extension of listed.body.extensions) {
      expect(Object.keys(extension).sort()).toEqual(["alias", "description", "links", "name", "updated"]);
      const shown = await api.call("GET", `/v2.0/extensions/${extension.alias}`);
      expect(shown.body).toEqual({ extension });
    }
    const alias = await api.call("GET", "/v2.0/extensions/tag-ports-during-bulk-creation");
    expect(alias.status).toBe(404);
    expect(alias.body.NeutronError.type).toBe("ExtensionNotFound");
  });

  it("serves identity version discovery without a token", async () => {
    const v3 = await fetch(`${server.url}/v3`);
    expect(v3.status).toBe(200);
    expect((await v3.json()).version.id).toBe("v3.14");
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(300);
  });
});
