/**
 * The audit trail: every state-changing request and every refused authentication is recorded with its principal,
 * listed by `ecs-vip audit` and by the administrator's route; no secret appears in it or in the server's output.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { send, signedRequest, startSecureServer } from "./support.js";

const run = promisify(execFile);
let server: TestServer;
let api: ApiClient;
let vpcId: string;
beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
  const vpc = await api.call("POST", api.p("/vpcs"), { vpc: { name: "audited", cidr: "10.0.0.0/16" } });
  vpcId = vpc.body.vpc.id;
  await api.call("GET", api.p("/vpcs"));
  await ApiClient.login(server.url, server.projectId, "wrong-password").catch(() => undefined);
  const target = { url: server.url, projectId: server.projectId } as never;
  await send(
    ...signedRequest(target, "DELETE", `/v1/${server.projectId}/vpcs/${vpcId}`, { ak: server.accessKey, sk: "bad" }),
  );
  // Let the batched trail reach the store.
  await server.app.close().catch(() => undefined);
}, 60_000);
afterAll(async () => server.dispose());

async function auditLines(...args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "src/main.ts", "audit", "--db", server.db, ...args],
    {
      cwd: REPO_ROOT,
    },
  );
  return stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "");
}

describe("ecs-vip audit", () => {
  it("lists the create, the failed login and the bad signature with their principal, and no read", async () => {
    const records = (await auditLines("--json")).map((line) => JSON.parse(line));
    const create = records.find((r) => r.action === "POST /v1/:project_id/vpcs");
    expect(create).toMatchObject({ status: 200, project_id: server.projectId, source: "127.0.0.1" });
    expect(create.user).toMatch(/^[0-9a-f]{32}$/);
    expect(create.request_id).toMatch(/^[0-9a-f]{32}$/);
    const failedLogin = records.find((r) => r.action === "POST /v3/auth/tokens" && r.status === 401);
    expect(failedLogin).toMatchObject({ user: "admin", code: "IAM.0004" });
    const badSignature = records.find((r) => r.action === "DELETE /v1/:project_id/vpcs/:vpc_id");
    expect(badSignature).toMatchObject({
      status: 401,
      code: "APIGW.0301",
      access_key: server.accessKey,
      target: vpcId,
    });
    expect(records.some((r) => r.action.startsWith("GET "))).toBe(false);
    for (const key of [
      "time",
      "account",
      "user",
      "access_key",
      "project_id",
      "action",
      "target",
      "status",
      "code",
      "request_id",
      "source",
    ]) {
      expect(Object.keys(create)).toContain(key);
    }
  });

  it("filters by project and time, and never prints a secret", async () => {
    expect(await auditLines("--project", "f".repeat(32))).toEqual([]);
    expect(await auditLines("--since", "2999-01-01T00:00:00Z")).toEqual([]);
    const text = (await auditLines()).join("\n");
    expect(text).toContain("POST /v1/:project_id/vpcs");
    for (const secret of [server.secretKey, server.password, "wrong-password", api.token]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("the administrator's route", () => {
  it("lists the account's records, newest last", async () => {
    const secure = await startSecureServer();
    try {
      const admin = await ApiClient.login(secure.url, secure.projectId, secure.password);
      await admin.call("POST", admin.p("/vpcs"), { vpc: { name: "v", cidr: "10.0.0.0/16" } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await admin.call("GET", "/v3/ecs-vip/audit-records?limit=10");
      expect(reply.status).toBe(200);
      expect(reply.body.records.at(-1)).toMatchObject({ action: "POST /v1/:project_id/vpcs", status: 200 });
    } finally {
      await secure.close();
    }
  });
});

describe("redaction", () => {
  it("never prints a database password", async () => {
    const { redactDbUrl } = await import("../../src/cli/redact.js");
    expect(redactDbUrl("postgres://app:s3cret@db:5432/x?password=other")).not.toMatch(/s3cret|other/);
    expect(redactDbUrl("postgres://app:s3cret@h1:5432,h2:5433/x?target_session_attrs=read-write&password=other")).toBe(
      "postgres://app:***@h1:5432,h2:5433/x?target_session_attrs=read-write&password=***",
    );
    expect(redactDbUrl("sqlite:./data/ecs-vip.db")).toBe("sqlite:./data/ecs-vip.db");
  });
});
