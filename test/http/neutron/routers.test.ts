import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL_NETWORK_ID } from "../../../src/domain/eips/model.js";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, type Network, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;
let net: Network;

beforeAll(async () => {
  suite = await openHttpSuite({ network: true });
  ({ server, api, net } = suite);
});
afterAll(async () => server.dispose());

const refused = (method: string, path: string, body: unknown, status: number, type: string) =>
  expectRefused(suite, { method, path, body }, { status, code: type });

/** A Neutron network with one subnet. */
async function networkWithSubnet(cidr: string, subnet: Record<string, unknown> = {}) {
  const network = (await api.call("POST", "/v2.0/networks", { network: { name: `n-${cidr.split("/")[0]}` } })).body
    .network;
  const created = await api.call("POST", "/v2.0/subnets", { subnet: { network_id: network.id, cidr, ...subnet } });
  expect(created.status).toBe(201);
  return { network, subnet: created.body.subnet };
}

describe("Neutron routers (a VPC is a router)", () => {
  it("creates a router that is a VPC, shows, lists, renames and deletes it through both doors", async () => {
    const created = await api.call("POST", "/v2.0/routers", {
      router: { name: "r-one", external_gateway_info: { network_id: EXTERNAL_NETWORK_ID } },
    });
    expect(created.status).toBe(201);
    const router = created.body.router;
    expect(router).toMatchObject({
      name: "r-one",
      status: "ACTIVE",
      admin_state_up: true,
      project_id: server.projectId,
      external_gateway_info: { network_id: EXTERNAL_NETWORK_ID, enable_snat: false },
      routes: [],
      revision_number: 0,
    });
    const asVpc = await api.call("GET", api.p(`/vpcs/${router.id}`));
    expect(asVpc.status).toBe(200);
    expect(asVpc.body.vpc.name).toBe("r-one");
    // A VPC made through VPC v1 is a router with a gateway from the start.
    const vpcAsRouter = (await api.call("GET", `/v2.0/routers/${net.vpcId}`)).body.router;
    expect(vpcAsRouter.external_gateway_info).toMatchObject({ network_id: EXTERNAL_NETWORK_ID });
    const listed = (await api.call("GET", "/v2.0/routers?fields=id&fields=name")).body.routers;
    expect(listed).toContainEqual({ id: router.id, name: "r-one" });
    expect(listed).toContainEqual({ id: net.vpcId, name: expect.any(String) });
    const renamed = await api.call("PUT", `/v2.0/routers/${router.id}`, { router: { name: "r-renamed" } });
    expect(renamed.body.router).toMatchObject({ name: "r-renamed", revision_number: 1 });
    expect((await api.call("GET", api.p(`/vpcs/${router.id}`))).body.vpc.name).toBe("r-renamed");
    const cleared = await api.call("PUT", `/v2.0/routers/${router.id}`, { router: { external_gateway_info: {} } });
    expect(cleared.body.router.external_gateway_info).toBeNull();
    expect((await api.call("DELETE", `/v2.0/routers/${router.id}`)).status).toBe(204);
    await refused("GET", `/v2.0/routers/${router.id}`, undefined, 404, "RouterNotFound");
    expect((await api.call("GET", api.p(`/vpcs/${router.id}`))).status).toBe(404);
  });

  it("takes admin_state_up false and stays up, as the reference says it can only be true", async () => {
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-down", admin_state_up: false } })).body
      .router;
    expect(router.admin_state_up).toBe(true);
    expect((await api.call("DELETE", `/v2.0/routers/${router.id}`)).status).toBe(204);
  });

  it("puts a subnet on a router by subnet: its gateway port becomes the interface, the subnet the VPC's", async () => {
    const { network, subnet } = await networkWithSubnet("10.60.0.0/24");
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-sub" } })).body.router;
    const added = await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: router.id, subnet_id: subnet.id, project_id: server.projectId });
    const port = (await api.call("GET", `/v2.0/ports/${added.body.port_id}`)).body.port;
    expect(port).toMatchObject({
      device_id: router.id,
      device_owner: "network:router_interface",
      fixed_ips: [{ subnet_id: subnet.id, ip_address: "10.60.0.1" }],
    });
    const byDevice = (await api.call("GET", `/v2.0/ports?device_id=${router.id}`)).body.ports;
    expect(byDevice.map((p: any) => p.id)).toEqual([port.id]);
    const vpcSubnets = (await api.call("GET", api.p(`/subnets?vpc_id=${router.id}`))).body.subnets;
    expect(vpcSubnets.map((s: any) => s.id)).toEqual([subnet.id]);
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}/add_router_interface`,
      { subnet_id: subnet.id },
      400,
      "BadRequest",
    );
    await refused("DELETE", `/v2.0/routers/${router.id}`, undefined, 409, "RouterInUse");
    await refused("DELETE", `/v2.0/subnets/${subnet.id}`, undefined, 409, "SubnetInUse");
    await refused("DELETE", `/v2.0/ports/${port.id}`, undefined, 409, "PortInUse");
    // A static route's next hop must sit in one of the router's subnets.
    const routes = [{ destination: "172.16.0.0/16", nexthop: "10.60.0.9" }];
    const routed = await api.call("PUT", `/v2.0/routers/${router.id}`, { router: { routes } });
    expect(routed.body.router.routes).toEqual(routes);
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}`,
      { router: { routes: [{ destination: "172.17.0.0/16", nexthop: "10.99.0.9" }] } },
      400,
      "BadRequest",
    );
    expect(
      (await api.call("PUT", `/v2.0/routers/${router.id}`, { router: { routes: null } })).body.router.routes,
    ).toEqual([]);
    const removed = await api.call("PUT", `/v2.0/routers/${router.id}/remove_router_interface`, {
      subnet_id: subnet.id,
    });
    expect(removed.body).toMatchObject({ id: router.id, subnet_id: subnet.id, port_id: port.id });
    expect((await api.call("GET", `/v2.0/ports/${port.id}`)).body.port).toMatchObject({
      device_id: subnet.id,
      device_owner: "network:router_interface_distributed",
    });
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}/remove_router_interface`,
      { subnet_id: subnet.id },
      404,
      "RouterInterfaceNotFoundForSubnet",
    );
    expect((await api.call("DELETE", `/v2.0/routers/${router.id}`)).status).toBe(204);
    expect((await api.call("DELETE", `/v2.0/networks/${network.id}`)).status).toBe(204);
  });

  it("puts a subnet on a router by port, and removing that interface deletes the port", async () => {
    const { subnet, network } = await networkWithSubnet("10.61.0.0/24");
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-port" } })).body.router;
    const port = (await api.call("POST", "/v2.0/ports", { port: { network_id: network.id } })).body.port;
    const added = await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { port_id: port.id });
    expect(added.body).toMatchObject({ port_id: port.id, subnet_id: subnet.id });
    expect((await api.call("GET", `/v2.0/ports/${port.id}`)).body.port.device_id).toBe(router.id);
    const removed = await api.call("PUT", `/v2.0/routers/${router.id}/remove_router_interface`, { port_id: port.id });
    expect(removed.status).toBe(200);
    expect((await api.call("GET", `/v2.0/ports/${port.id}`)).status).toBe(404);
    expect((await api.call("DELETE", `/v2.0/routers/${router.id}`)).status).toBe(204);
  });

  it("refuses an overlapping subnet, a subnet without gateway, a foreign gateway network, and unknown routers", async () => {
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-neg" } })).body.router;
    const first = await networkWithSubnet("10.62.0.0/24");
    const second = await networkWithSubnet("10.62.0.0/25");
    const gatewayless = await networkWithSubnet("10.63.0.0/24", { gateway_ip: null });
    expect(gatewayless.subnet.gateway_ip).toBeNull();
    await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: first.subnet.id });
    const path = `/v2.0/routers/${router.id}/add_router_interface`;
    await refused("PUT", path, { subnet_id: second.subnet.id }, 400, "BadRequest");
    await refused("PUT", path, { subnet_id: gatewayless.subnet.id }, 400, "BadRequest");
    await refused("PUT", path, {}, 400, "BadRequest");
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}`,
      { router: { external_gateway_info: { network_id: first.network.id } } },
      400,
      "BadRequest",
    );
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}`,
      { router: { external_gateway_info: { network_id: "nope" } } },
      404,
      "NetworkNotFound",
    );
    await refused("POST", "/v2.0/routers", { router: { name: "r-neg" } }, 400, "BadRequest");
    await refused("POST", "/v2.0/routers", { router: { name: "with space" } }, 400, "BadRequest");
    await refused("GET", "/v2.0/routers/nope", undefined, 404, "RouterNotFound");
    await refused("PUT", "/v2.0/routers/nope", { router: { name: "x" } }, 404, "RouterNotFound");
    await refused("DELETE", "/v2.0/routers/nope", undefined, 404, "RouterNotFound");
  });

  it("answers 412 to a stale If-Match revision and applies a current one", async () => {
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-rev" } })).body.router;
    const stale = await fetch(`${server.url}/v2.0/routers/${router.id}`, {
      method: "PUT",
      headers: { "X-Auth-Token": api.token, "Content-Type": "application/json", "If-Match": "revision_number=7" },
      body: JSON.stringify({ router: { name: "r-rev2" } }),
    });
    expect(stale.status).toBe(412);
    expect((await stale.json()).NeutronError.type).toBe("PreconditionFailed");
    const current = await fetch(`${server.url}/v2.0/routers/${router.id}`, {
      method: "PUT",
      headers: { "X-Auth-Token": api.token, "Content-Type": "application/json", "If-Match": "revision_number=0" },
      body: JSON.stringify({ router: { name: "r-rev2" } }),
    });
    expect(current.status).toBe(200);
    expect((await current.json()).router).toMatchObject({ name: "r-rev2", revision_number: 1 });
  });
});

describe("extraroute-atomic", () => {
  it("adds routes to a router's and removes them, one step each, with a new revision; a bad next hop changes nothing", async () => {
    const { subnet } = await networkWithSubnet("10.66.0.0/24");
    const router = (await api.call("POST", "/v2.0/routers", { router: { name: "r-atomic" } })).body.router;
    await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
    const change = (what: "add" | "remove", routes: unknown[]) =>
      api.call("PUT", `/v2.0/routers/${router.id}/${what}_extraroutes`, { router: { routes } });
    const a = { destination: "10.0.2.0/24", nexthop: "10.66.0.2" };
    const b = { destination: "10.0.3.0/24", nexthop: "10.66.0.3" };
    const c = { destination: "10.0.4.0/24", nexthop: "10.66.0.4" };
    const first = await change("add", [a]);
    expect(first.status).toBe(200);
    expect(first.body.router.routes).toEqual([a]);
    // A route the router has already is kept once.
    const second = await change("add", [a, b]);
    expect(second.body.router.routes).toEqual([a, b]);
    expect(second.body.router.revision_number).toBe(first.body.router.revision_number + 1);
    // A route the router lacks is ignored on removal.
    expect((await change("remove", [b, c])).body.router.routes).toEqual([a]);
    await refused(
      "PUT",
      `/v2.0/routers/${router.id}/add_extraroutes`,
      { router: { routes: [{ destination: "10.0.5.0/24", nexthop: "10.99.0.1" }] } },
      400,
      "BadRequest",
    );
    await refused("PUT", `/v2.0/routers/${router.id}/add_extraroutes`, { router: {} }, 400, "BadRequest");
    await refused(
      "PUT",
      "/v2.0/routers/missing/remove_extraroutes",
      { router: { routes: [a] } },
      404,
      "RouterNotFound",
    );
    expect((await api.call("GET", `/v2.0/routers/${router.id}`)).body.router.routes).toEqual([a]);
  });
});

describe("floating IPs through routers", () => {
  it("binds through a router with a gateway, names the router and the chosen fixed IP; refuses without one", async () => {
    const { network, subnet } = await networkWithSubnet("10.64.0.0/24");
    const router = (
      await api.call("POST", "/v2.0/routers", {
        router: { name: "r-fip", external_gateway_info: { network_id: EXTERNAL_NETWORK_ID } },
      })
    ).body.router;
    const port = (
      await api.call("POST", "/v2.0/ports", {
        port: { network_id: network.id, fixed_ips: [{ subnet_id: subnet.id }, { subnet_id: subnet.id }] },
      })
    ).body.port;
    expect(port.fixed_ips).toHaveLength(2);
    const create = { floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: port.id } };
    await refused("POST", "/v2.0/floatingips", create, 404, "ExternalGatewayForFloatingIPNotFound");
    await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
    const second = port.fixed_ips[1].ip_address;
    const fip = await api.call("POST", "/v2.0/floatingips", {
      floatingip: { ...create.floatingip, fixed_ip_address: second },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip).toMatchObject({ router_id: router.id, fixed_ip_address: second, port_id: port.id });
    const other = port.fixed_ips[0].ip_address;
    const moved = await api.call("PUT", `/v2.0/floatingips/${fip.body.floatingip.id}`, {
      floatingip: { port_id: port.id, fixed_ip_address: other },
    });
    expect(moved.body.floatingip.fixed_ip_address).toBe(other);
    await refused("POST", "/v2.0/floatingips", { floatingip: { floating_network_id: network.id } }, 400, "BadRequest");
    const publicip = (await api.call("GET", api.p(`/publicips/${fip.body.floatingip.id}`))).body.publicip;
    expect(publicip.port_id).toBe(port.id);
    const listed = await api.call("GET", `/v2.0/floatingips?router_id=${router.id}&fields=id`);
    expect(listed.body.floatingips).toEqual([{ id: fip.body.floatingip.id }]);
  });
});
