import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork } from "../../support/world.js";

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
});
afterAll(async () => server.dispose());

describe("what the stock OpenStack client needs besides ports", () => {
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
  });

  it("answers extension discovery: none known, each alias 404", async () => {
    expect((await api.call("GET", "/v2.0/extensions")).body).toEqual({ extensions: [] });
    const alias = await api.call("GET", "/v2.0/extensions/tag-ports-during-bulk-creation");
    expect(alias.status).toBe(404);
  });

  it("serves identity version discovery without a token", async () => {
    const v3 = await fetch(`${server.url}/v3`);
    expect(v3.status).toBe(200);
    expect((await v3.json()).version.id).toBe("v3.14");
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(300);
  });
});
