import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL_NETWORK_ID } from "../../../src/domain/eips/model.js";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, type Network, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";
import { createServers } from "../../support/world.js";

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

const assign = (publicip: Record<string, unknown> = {}) =>
  api.call("POST", api.p("/publicips"), {
    publicip: { type: "5_bgp", ...publicip },
    bandwidth: { name: "bw", size: 10, share_type: "PER" },
  });

describe("EIPs: /v1/{project_id}/publicips", () => {
  it("assigns from the documentation pool, shows, lists and releases", async () => {
    const created = await assign({ alias: "web" });
    expect(created.status).toBe(200);
    const eip = created.body.publicip;
    expect(eip).toMatchObject({
      status: "DOWN",
      type: "5_bgp",
      ip_version: 4,
      tenant_id: server.projectId,
      bandwidth_size: 10,
      bandwidth_share_type: "PER",
      bandwidth_name: "bw",
      alias: "web",
    });
    expect(eip.public_ip_address).toMatch(/^198\.51\.100\.\d+$/);
    expect(eip.create_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await api.call("GET", api.p(`/publicips/${eip.id}`))).body.publicip).toEqual(eip);
    expect((await api.call("GET", api.p("/publicips"))).body.publicips.map((p: any) => p.id)).toContain(eip.id);

    const second = await assign({ ip_address: "198.51.100.200" });
    expect(second.body.publicip.public_ip_address).toBe("198.51.100.200");
    await refused(
      "POST",
      api.p("/publicips"),
      {
        publicip: { type: "5_bgp", ip_address: "198.51.100.200" },
        bandwidth: { name: "bw", size: 10, share_type: "PER" },
      },
      409,
      "VPC.0522",
    );
    await refused(
      "POST",
      api.p("/publicips"),
      {
        publicip: { type: "5_bgp", ip_address: "203.0.113.5" },
        bandwidth: { name: "bw", size: 10, share_type: "PER" },
      },
      400,
      "VPC.0501",
    );
    await refused("POST", api.p("/publicips"), { publicip: { type: "5_bgp" } }, 400, "VPC.0501");

    expect((await api.call("DELETE", api.p(`/publicips/${eip.id}`))).status).toBe(204);
    expect((await api.call("DELETE", api.p(`/publicips/${second.body.publicip.id}`))).status).toBe(204);
    await refused("GET", api.p(`/publicips/${eip.id}`), undefined, 404, "VPC.0504");
  });

  it("binds to a NIC by port_id, refuses a second EIP on it and release while bound, unbinds", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId);
    const a = (await assign()).body.publicip;
    const b = (await assign()).body.publicip;
    const bound = await api.call("PUT", api.p(`/publicips/${a.id}`), { publicip: { port_id: srv?.nicId } });
    expect(bound.status).toBe(200);
    expect(bound.body.publicip).toMatchObject({ status: "ACTIVE", port_id: srv?.nicId, private_ip_address: srv?.ip });

    await refused("PUT", api.p(`/publicips/${b.id}`), { publicip: { port_id: srv?.nicId } }, 409, "VPC.0511");
    await refused("DELETE", api.p(`/publicips/${a.id}`), undefined, 409, "VPC.0517");
    await refused("PUT", api.p(`/publicips/${b.id}`), { publicip: { port_id: "no-such-port" } }, 400, "VPC.0501");

    const other = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } })).body.port;
    await refused("PUT", api.p(`/publicips/${a.id}`), { publicip: { port_id: other.id } }, 409, "VPC.0510");

    const unbound = await api.call("PUT", api.p(`/publicips/${a.id}`), { publicip: {} });
    expect(unbound.body.publicip.status).toBe("DOWN");
    expect(unbound.body.publicip.port_id).toBeUndefined();
    expect((await api.call("DELETE", api.p(`/publicips/${a.id}`))).status).toBe(204);
  });

  it("deleting a server unbinds its EIP, which stays with the project", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId);
    const eip = (await assign()).body.publicip;
    await api.call("PUT", api.p(`/publicips/${eip.id}`), { publicip: { port_id: srv?.nicId } });
    const deleted = await api.call("POST", api.p("/cloudservers/delete"), { servers: [{ id: srv?.serverId }] });
    expect(deleted.status).toBe(200);
    const after = await api.call("GET", api.p(`/publicips/${eip.id}`));
    expect(after.body.publicip.status).toBe("DOWN");
    expect(after.body.publicip.port_id).toBeUndefined();
  });
});

describe("EIPs: /v2.0/floatingips", () => {
  it("creates (201) on the external network bound to a port, lists by port, moves, unbinds and deletes", async () => {
    const vip = (
      await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, device_owner: "neutron:VIP_PORT" } })
    ).body.port;
    const created = await api.call("POST", "/v2.0/floatingips", {
      floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: vip.id },
    });
    expect(created.status).toBe(201);
    const fip = created.body.floatingip;
    expect(fip).toMatchObject({
      status: "ACTIVE",
      floating_network_id: EXTERNAL_NETWORK_ID,
      port_id: vip.id,
      fixed_ip_address: vip.fixed_ips[0].ip_address,
      // The port's subnet is a subnet of the VPC, which is the router the floating IP goes through.
      router_id: net.vpcId,
      project_id: server.projectId,
    });
    const byPort = await api.call("GET", `/v2.0/floatingips?port_id=${vip.id}`);
    expect(byPort.body.floatingips.map((f: any) => f.id)).toEqual([fip.id]);
    // The same EIP through VPC v1.
    expect((await api.call("GET", api.p(`/publicips/${fip.id}`))).body.publicip.port_id).toBe(vip.id);

    const other = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } })).body.port;
    const moved = await api.call("PUT", `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: other.id } });
    expect(moved.body.floatingip.port_id).toBe(other.id);
    const unbound = await api.call("PUT", `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: null } });
    expect(unbound.body.floatingip).toMatchObject({ port_id: null, fixed_ip_address: null, status: "DOWN" });

    await refused(
      "POST",
      "/v2.0/floatingips",
      { floatingip: { floating_network_id: "elsewhere" } },
      404,
      "NetworkNotFound",
    );
    await refused("POST", "/v2.0/floatingips", { floatingip: {} }, 400, "BadRequest");
    await refused(
      "POST",
      "/v2.0/floatingips",
      { floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: "missing" } },
      404,
      "PortNotFound",
    );
    expect((await api.call("DELETE", `/v2.0/floatingips/${fip.id}`)).status).toBe(204);
    await refused("GET", `/v2.0/floatingips/${fip.id}`, undefined, 404, "FloatingIPNotFound");
  });

  it("deleting a bound VIP port unbinds its EIP in the same transaction", async () => {
    const vip = (
      await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, device_owner: "neutron:VIP_PORT" } })
    ).body.port;
    const fip = (
      await api.call("POST", "/v2.0/floatingips", {
        floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: vip.id },
      })
    ).body.floatingip;
    expect((await api.call("DELETE", `/v2.0/ports/${vip.id}`)).status).toBe(204);
    const after = (await api.call("GET", `/v2.0/floatingips/${fip.id}`)).body.floatingip;
    expect(after).toMatchObject({ port_id: null, status: "DOWN" });
  });
});
