/**
 * Neutron's floating IPs as the neutron-tempest-plugin sees them: a description kept through create, show, update and
 * disassociation; a revision number raised by every change (If-Match honoured); an empty update body clears the
 * association. Against both stores (the description and revision are columns of their own).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXTERNAL_NETWORK_ID } from "../../../src/domain/eips/model.js";
import { ApiClient } from "../../support/client.js";
import { SERVER_STORE_KINDS } from "../../support/postgres.js";
import { startTestServer, type TestServer } from "../../support/server.js";

describe.each(SERVER_STORE_KINDS)("Neutron floating IPs on the $label store", (kind) => {
  let server: TestServer;
  let drop: () => Promise<void>;
  let api: ApiClient;
  /** Ports whose subnet sits on a router with a gateway on the external network. */
  let portIds: string[];

  beforeAll(async () => {
    if (kind.needs.skip) return;
    const opened = await kind.open();
    drop = opened.drop;
    server = await startTestServer(opened.db ? { db: opened.db } : {});
    api = await ApiClient.login(server.url, server.projectId, server.password);
    const network = (await api.call("POST", "/v2.0/networks", { network: { name: "fip-net" } })).body.network;
    const subnet = (
      await api.call("POST", "/v2.0/subnets", { subnet: { network_id: network.id, cidr: "10.80.0.0/24" } })
    ).body.subnet;
    const router = (
      await api.call("POST", "/v2.0/routers", {
        router: { name: "fip-router", external_gateway_info: { network_id: EXTERNAL_NETWORK_ID } },
      })
    ).body.router;
    await api.call("PUT", `/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
    const ports = await api.call("POST", "/v2.0/ports", {
      ports: [{ network_id: network.id }, { network_id: network.id }],
    });
    portIds = ports.body.ports.map((port: any) => port.id);
  });
  beforeEach((context) => {
    if (kind.needs.skip) context.skip(kind.needs.reason);
  });
  afterAll(async () => {
    await server?.dispose();
    await drop?.();
  });

  const show = async (id: string) => (await api.call("GET", `/v2.0/floatingips/${id}`)).body.floatingip;
  const update = async (id: string, floatingip: unknown, headers: Record<string, string> = {}) =>
    api.call("PUT", `/v2.0/floatingips/${id}`, { floatingip }, headers);

  it("keeps a description through create, show, update and disassociation, raising the revision each time", async () => {
    const created = await api.call("POST", "/v2.0/floatingips", {
      floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: portIds[0], description: "d1" },
    });
    expect(created.status).toBe(201);
    const fip = created.body.floatingip;
    expect(fip).toMatchObject({ description: "d1", revision_number: 0, port_id: portIds[0] });
    // fip-port-details: the bound port as the floating IP shows it.
    const port = (await api.call("GET", `/v2.0/ports/${portIds[0]}`)).body.port;
    expect(fip.port_details).toEqual({
      name: port.name,
      network_id: port.network_id,
      mac_address: port.mac_address,
      admin_state_up: port.admin_state_up,
      status: port.status,
      device_id: port.device_id,
      device_owner: port.device_owner,
    });
    expect(await show(fip.id)).toMatchObject({ description: "d1", revision_number: 0 });

    const described = await update(fip.id, { description: "d2" });
    expect(described.status).toBe(200);
    // Only the description changed: the association stays.
    expect(described.body.floatingip).toMatchObject({ description: "d2", revision_number: 1, port_id: portIds[0] });
    expect(await show(fip.id)).toMatchObject({ description: "d2", revision_number: 1, port_id: portIds[0] });

    const unbound = await update(fip.id, { port_id: null });
    expect(unbound.body.floatingip).toMatchObject({
      description: "d2",
      revision_number: 2,
      port_id: null,
      port_details: null,
    });
    // An update that changes nothing keeps the revision.
    expect((await update(fip.id, { description: "d2" })).body.floatingip.revision_number).toBe(2);

    // VPC v1 shows the same EIP, without Neutron's attributes.
    const publicip = (await api.call("GET", api.p(`/publicips/${fip.id}`))).body.publicip;
    expect(publicip.id).toBe(fip.id);
    expect(publicip.description).toBeUndefined();
    await api.call("DELETE", `/v2.0/floatingips/${fip.id}`);
  });

  it("clears the association on an empty update body", async () => {
    const fip = (
      await api.call("POST", "/v2.0/floatingips", {
        floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: portIds[1] },
      })
    ).body.floatingip;
    expect(fip.port_id).toBe(portIds[1]);
    const cleared = await update(fip.id, {});
    expect(cleared.status).toBe(200);
    expect(cleared.body.floatingip).toMatchObject({ port_id: null, fixed_ip_address: null, status: "DOWN" });
    expect(cleared.body.floatingip.revision_number).toBe(fip.revision_number + 1);
    await api.call("DELETE", `/v2.0/floatingips/${fip.id}`);
  });

  it("honours If-Match: revision_number=N (412 when stale), and refuses a description over 255 characters", async () => {
    const fip = (
      await api.call("POST", "/v2.0/floatingips", { floatingip: { floating_network_id: EXTERNAL_NETWORK_ID } })
    ).body.floatingip;
    const stale = await update(fip.id, { description: "late" }, { "If-Match": "revision_number=5" });
    expect(stale.status).toBe(412);
    expect(stale.body.NeutronError.type).toBe("PreconditionFailed");
    expect((await show(fip.id)).description).toBe("");
    const current = await update(fip.id, { description: "on time" }, { "If-Match": "revision_number=0" });
    expect(current.body.floatingip).toMatchObject({ description: "on time", revision_number: 1 });
    expect((await update(fip.id, { description: "x".repeat(256) })).status).toBe(400);
    await api.call("DELETE", `/v2.0/floatingips/${fip.id}`);
  });

  it("raises the revision of a floating IP whose port is deleted (it is disassociated)", async () => {
    const network = (await api.call("GET", `/v2.0/ports/${portIds[0]}`)).body.port.network_id;
    const port = (await api.call("POST", "/v2.0/ports", { port: { network_id: network } })).body.port;
    const fip = (
      await api.call("POST", "/v2.0/floatingips", {
        floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: port.id },
      })
    ).body.floatingip;
    expect((await api.call("DELETE", `/v2.0/ports/${port.id}`)).status).toBe(204);
    expect(await show(fip.id)).toMatchObject({ port_id: null, revision_number: fip.revision_number + 1 });
    await api.call("DELETE", `/v2.0/floatingips/${fip.id}`);
  });
});
