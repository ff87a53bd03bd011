import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";

// Each CLI run starts node with tsx (seconds on a loaded machine): generous timeouts.
describe("ecs-vip faults add|list|clear against a running server", () => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    env = {
      ECS_VIP_ENDPOINT: server.url,
      ECS_VIP_AK: server.accessKey,
      ECS_VIP_SK: server.secretKey,
      ECS_VIP_PROJECT_ID: server.projectId,
    };
  });
  afterAll(() => server?.dispose());

  it("adds a rule (signed with AK/SK), lists it, sees it fire, and clears it", async () => {
    const added = await runCli(
      ["faults", "add", "--operation", "listVpcs", "--error", "VPC.0103", "--count", "1"],
      env,
    );
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await runCli(["faults", "list"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+listVpcs\\s+\\*\\s+error VPC.0103\\s+1 left\\s+0`));

    const api = await ApiClient.login(server.url, server.projectId, server.password);
    expect((await api.call("GET", api.p("/vpcs"))).status).toBe(409);
    const json = await runCli(["faults", "list", "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual([]);

    const second = await runCli(["faults", "add", "--operation", "*", "--latency-ms", "5", "--json"], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ operation: "*", project: "*", latency_ms: 5, remaining: null });
    const cleared = await runCli(["faults", "clear"], env);
    expect({ code: cleared.code, out: cleared.stdout }).toEqual({ code: 0, out: "cleared 1 rule(s)\n" });
  }, 180_000);

  it("exits 1 with the cloud's code on stderr when the server refuses, 2 on bad usage", async () => {
    const refused = await runCli(["faults", "add", "--operation", "noSuchOperation", "--drop"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/APIGW\.0201: unknown operation noSuchOperation/);

    const unsigned = await runCli(["faults", "list"], { ...env, ECS_VIP_SK: "wrong" });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/APIGW\.0301/);

    for (const args of [
      ["faults", "add", "--operation", "listVpcs"],
      ["faults", "add", "--operation", "listVpcs", "--drop", "--error", "Ecs.0010"],
      ["faults", "add", "--operation", "listVpcs", "--drop", "--count", "1", "--for-seconds", "2"],
      ["faults", "add", "--operation", "listVpcs", "--drop", "--count", "zero"],
      ["faults", "list", "--bogus"],
    ]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).not.toBe("");
    }
    const help = await runCli(["faults", "add", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--latency-ms");
  }, 180_000);
});
