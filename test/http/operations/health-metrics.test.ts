import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { sample } from "../../support/metrics.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

describe("health, readiness and metrics", () => {
  let server: TestServer;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ buildMs: 0 });
    api = await ApiClient.login(server.url, server.projectId, server.password);
  });
  afterAll(() => server?.dispose());

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    return response.text();
  };

  it("answers /healthz and /readyz without credentials", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    // Other tests of this file may have added checks of their own; the built-in two are always there.
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { store: "ok", migrations: "ok" } });
  });

  it("reports not ready, with the reason, while a check (such as the data plane's) fails", async () => {
    let reconciled = false;
    server.app.readiness.set("dataplane", () => reconciled || "reconciling");
    const waiting = await fetch(`${server.url}/readyz`);
    expect(waiting.status).toBe(503);
    expect((await waiting.json()).checks).toMatchObject({ store: "ok", dataplane: "reconciling" });
    reconciled = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("exposes the spec's metric names and default process metrics", async () => {
    const text = await scrape();
    for (const name of [
      "ecs_vip_http_requests_total",
      "ecs_vip_http_request_duration_seconds",
      "ecs_vip_store_transaction_duration_seconds",
      "ecs_vip_store_retries_total",
      "ecs_vip_vip_binds_total",
      "ecs_vip_vip_unbinds_total",
      "ecs_vip_faults_injected_total",
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("moves the counters when a VIP is bound and unbound", async () => {
    const { vpcId, subnetId } = await createNetwork(api);
    const [vm] = await createServers(api, vpcId, subnetId, 1);
    const route = "/v1/:project_id/cloudservers/nics/:nic_id";
    const before = await scrape();
    const bind = await api.call("PUT", api.p(`/cloudservers/nics/${vm?.nicId}`), {
      nic: { subnet_id: subnetId, ip_address: "192.168.0.100" },
    });
    expect(bind.status).toBe(200);
    const refused = await api.call("PUT", api.p(`/cloudservers/nics/${vm?.nicId}`), {
      nic: { subnet_id: subnetId, ip_address: "10.9.9.9" },
    });
    expect(refused.status).toBe(400);
    const unbind = await api.call("PUT", api.p(`/cloudservers/nics/${vm?.nicId}`), {
      nic: { subnet_id: "", ip_address: "" },
    });
    expect(unbind.status).toBe(200);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta("ecs_vip_vip_binds_total")).toBe(1);
    expect(delta("ecs_vip_vip_unbinds_total")).toBe(1);
    expect(delta("ecs_vip_http_requests_total", { method: "PUT", route, status: "200" })).toBe(2);
    expect(delta("ecs_vip_http_requests_total", { method: "PUT", route, status: "400" })).toBe(1);
    expect(delta("ecs_vip_http_request_duration_seconds_count", { method: "PUT", route })).toBe(3);
    expect(delta("ecs_vip_store_transaction_duration_seconds_count", { kind: "write", outcome: "committed" })).toBe(2);
    expect(delta("ecs_vip_store_transaction_duration_seconds_count", { kind: "write", outcome: "failed" })).toBe(1);
    expect(sample(after, "ecs_vip_store_retries_total")).toBe(0);
  });

  it("keeps one registry per app: a second server starts from zero", async () => {
    const { vpcId, subnetId } = await createNetwork(api, "192.168.1.0/24");
    const [vm] = await createServers(api, vpcId, subnetId, 1);
    const bind = await api.call("PUT", api.p(`/cloudservers/nics/${vm?.nicId}`), {
      nic: { subnet_id: subnetId, ip_address: "192.168.1.100" },
    });
    expect(bind.status).toBe(200);
    const other = await startTestServer();
    try {
      const text = await (await fetch(`${other.url}/metrics`)).text();
      expect(sample(text, "ecs_vip_vip_binds_total")).toBe(0);
      expect(sample(await scrape(), "ecs_vip_vip_binds_total")).toBeGreaterThanOrEqual(1);
    } finally {
      await other.dispose();
    }
  });
});
