import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/auth/passwords.js";
import { FaultRules } from "../../../src/faults/rules.js";
import { createInjectApp, type InjectApp, TEST_FOREIGN_PROJECT_ID, TEST_PROJECT_ID } from "../../support/inject-app.js";
import { sample } from "../../support/metrics.js";

const FAULTS = "/ecs-vip/v1/faults";
const vpcs = `/v1/${TEST_PROJECT_ID}/vpcs`;

describe("fault injection through /ecs-vip/v1/faults", () => {
  let app: InjectApp;

  beforeAll(async () => {
    app = await createInjectApp({ secondProject: true });
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await app.call("DELETE", FAULTS);
    await app.reset();
  });

  const addRule = async (rule: Record<string, unknown>) => {
    const response = await app.call("POST", FAULTS, rule);
    expect(response.status, response.text).toBe(201);
    return response.body.rule;
  };

  it("answers an injected error in the registry's status and envelope, with a request id, and changes nothing", async () => {
    const rule = await addRule({ operation: "createVpc", error: "VPC.0103" });
    expect(rule).toMatchObject({ operation: "createVpc", project: "*", error: "VPC.0103", remaining: null });
    const before = await app.dump();
    const response = await app.call("POST", vpcs, { vpc: { name: "v", cidr: "192.168.0.0/16" } });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: "VPC.0103", error_code: "VPC.0103" });
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(await app.dump()).toEqual(before);
    const metrics = (await app.call("GET", "/metrics")).text;
    expect(sample(metrics, "ecs_vip_faults_injected_total", { operation: "createVpc", action: "error" })).toBe(1);
    // Other operations are untouched.
    expect((await app.call("GET", vpcs)).status).toBe(200);
  });

  it("fires count times, then the rule is gone", async () => {
    const rule = await addRule({ operation: "listVpcs", error: "VPC.0105", count: 2 });
    expect((await app.call("GET", vpcs)).status).toBe(500);
    const listed = await app.call("GET", FAULTS);
    expect(listed.body.rules).toEqual([expect.objectContaining({ id: rule.id, remaining: 1, injected: 1 })]);
    expect((await app.call("GET", vpcs)).status).toBe(500);
    expect((await app.call("GET", vpcs)).status).toBe(200);
    expect((await app.call("GET", FAULTS)).body.rules).toEqual([]);
  });

  it("adds latency, then lets the request run", async () => {
    await addRule({ operation: "*", latency_ms: 300, count: 1 });
    const started = Date.now();
    const response = await app.call("POST", vpcs, { vpc: { name: "slow", cidr: "192.168.0.0/16" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(response.status).toBe(200);
    expect((await app.dump()).vpcs).toHaveLength(1);
  });

  it("drops the connection without an answer", async () => {
    await addRule({ operation: "listVpcs", drop: true, count: 1 });
    await expect(app.fetch("GET", vpcs)).rejects.toThrow();
    expect((await app.fetch("GET", vpcs)).status).toBe(200);
  });

  it("keeps to its project", async () => {
    await addRule({ operation: "listVpcs", project: TEST_FOREIGN_PROJECT_ID, error: "VPC.0103" });
    expect((await app.call("GET", vpcs)).status).toBe(200);
    const foreign = await app.call("GET", `/v1/${TEST_FOREIGN_PROJECT_ID}/vpcs`, undefined, {
      "x-auth-token": app.foreignToken,
    });
    expect(foreign.status).toBe(409);
    // Neutron paths carry no project: the caller's project is matched.
    await addRule({ operation: "neutronListPorts", project: TEST_FOREIGN_PROJECT_ID, error: "Conflict" });
    expect((await app.call("GET", "/v2.0/ports")).status).toBe(200);
    const ports = await app.call("GET", "/v2.0/ports", undefined, { "x-auth-token": app.foreignToken });
    expect(ports.status).toBe(409);
    expect(ports.body.NeutronError.type).toBe("Conflict");
  });

  it("lets only the account's admin user see or change rules (403 in the gateway's envelope)", async () => {
    const passwordHash = await hashPassword("Operator-Passw0rd");
    await app.store().write(async (tx) => {
      const admin = await tx.iam.getUserByName((await tx.iam.getProject(TEST_PROJECT_ID))?.accountId ?? "", "admin");
      await tx.iam.insertUser({
        id: "operator-1",
        accountId: admin?.accountId ?? "",
        name: "operator",
        passwordHash,
      });
    });
    const login = await app.call("POST", "/v3/auth/tokens", {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "operator", password: "Operator-Passw0rd", domain: { name: "default" } } },
        },
        scope: { project: { id: TEST_PROJECT_ID } },
      },
    });
    expect(login.status).toBe(201);
    const operator = { "x-auth-token": String(login.headers["x-subject-token"]) };
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", { operation: "*", drop: true }],
      ["DELETE", undefined],
    ] as const) {
      const response = await app.call(method, FAULTS, body, operator);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        error_code: "APIGW.0302",
        request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    }
    expect((await app.call("GET", FAULTS)).body.rules).toEqual([]);
    expect((await app.call("GET", FAULTS, undefined, { "x-auth-token": "" })).status).toBe(401);
  });

  it("refuses rules that cannot work, saying why", async () => {
    for (const rule of [
      { operation: "noSuchOperation", error: "Ecs.0010" },
      { operation: "*", error: "Nope.0000" },
      { operation: "*", error: "Ecs.0010", drop: true },
      { operation: "*" },
      { operation: "*", drop: true, count: 1, for_seconds: 5 },
      { operation: "*", drop: true, count: 0 },
      { operation: "*", drop: true, extra: 1 },
    ]) {
      const response = await app.call("POST", FAULTS, rule);
      expect(response.status, JSON.stringify(rule)).toBe(400);
      expect(response.body.error_code).toBe("APIGW.0201");
    }
    expect((await app.call("GET", FAULTS)).body.rules).toEqual([]);
  });

  it("never faults its own routes, so a rule for * can always be cleared", async () => {
    await addRule({ operation: "*", error: "APIGW.0601" });
    expect((await app.call("GET", vpcs)).status).toBe(500);
    expect((await app.call("GET", "/healthz")).status).toBe(200);
    expect((await app.call("DELETE", FAULTS)).body).toEqual({ cleared: 1 });
    expect((await app.call("GET", vpcs)).status).toBe(200);
  });

  it("removes one rule by id", async () => {
    const rule = await addRule({ operation: "listVpcs", error: "VPC.0103" });
    expect((await app.call("DELETE", `${FAULTS}/${rule.id}`)).body).toEqual({ cleared: 1 });
    expect((await app.call("DELETE", `${FAULTS}/${rule.id}`)).status).toBe(404);
  });
});

describe("fault rules in time", () => {
  it("expire for_seconds after they were added", () => {
    const rules = new FaultRules();
    rules.add({ operation: "listVpcs", error: "VPC.0103", for_seconds: 2 }, 1_000);
    expect(rules.take("listVpcs", "p", 2_999)?.operation).toBe("listVpcs");
    expect(rules.take("listVpcs", "p", 3_000)).toBeUndefined();
    expect(rules.list(3_000)).toEqual([]);
  });
});
