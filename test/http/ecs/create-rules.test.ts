import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStrongAdminPass } from "../../../src/domain/ecs/admin-pass.js";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, waitForJob } from "../../support/world.js";

let server: TestServer;
let api: ApiClient;
let net: Awaited<ReturnType<typeof createNetwork>>;

beforeAll(async () => {
  server = await startTestServer({ buildMs: 0 });
  api = await ApiClient.login(server.url, server.projectId, server.password);
  net = await createNetwork(api);
});
afterAll(async () => server.dispose());

const body = (extra: Record<string, unknown>) => ({
  server: {
    name: "rules",
    imageRef: "image-1",
    flavorRef: "s6.small.1",
    vpcid: net.vpcId,
    nics: [{ subnet_id: net.subnetId }],
    root_volume: { volumetype: "SSD" },
    ...extra,
  },
});

describe("administrator password and description rules", () => {
  it("knows a strong password when it sees one", () => {
    expect(isStrongAdminPass("Secret-123")).toBe(true);
    expect(isStrongAdminPass("secret123")).toBe(false);
    expect(isStrongAdminPass("Sh0rt!")).toBe(false);
    expect(isStrongAdminPass("Root-Passw0rd")).toBe(false);
    expect(isStrongAdminPass("Toor-Passw0rd")).toBe(false);
    expect(isStrongAdminPass("Has space-123A")).toBe(false);
    expect(isStrongAdminPass(`${"A".repeat(24)}a1`)).toBe(true);
    expect(isStrongAdminPass(`${"A".repeat(25)}a1`)).toBe(false);
  });

  it("refuses a weak adminPass with Ecs.0011 and a description with < or > with Ecs.0041, creating nothing", async () => {
    for (const [extra, code] of [
      [{ adminPass: "password" }, "Ecs.0011"],
      [{ description: "<script>" }, "Ecs.0041"],
      [{ description: "x".repeat(86) }, "Ecs.0041"],
    ] as const) {
      const before = await server.store.read((tx) => tx.admin.dump());
      const response = await api.call("POST", api.p("/cloudservers"), body(extra));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect(await server.store.read((tx) => tx.admin.dump())).toEqual(before);
    }
    const accepted = await api.call(
      "POST",
      api.p("/cloudservers"),
      body({ adminPass: "Secret-123", description: "ok" }),
    );
    expect(accepted.status).toBe(200);
    await waitForJob(api, accepted.body.job_id);
  });

  it("lists servers whose name contains the filter, and takes offset=0 as the first page", async () => {
    const created = await api.call("POST", api.p("/cloudservers"), body({ name: "fuzzy-target" }));
    expect(created.status).toBe(200);
    await waitForJob(api, created.body.job_id);
    const fuzzy = await api.call("GET", api.p("/cloudservers/detail?name=zzy-tar"));
    expect(fuzzy.body.servers.map((s: any) => s.name)).toEqual(["fuzzy-target"]);
    const first = await api.call("GET", api.p("/cloudservers/detail?offset=0&limit=1"));
    const unpaged = await api.call("GET", api.p("/cloudservers/detail?limit=1"));
    expect(first.status).toBe(200);
    expect(first.body.servers).toHaveLength(1);
    expect(first.body.servers).toEqual(unpaged.body.servers);
  });
});
