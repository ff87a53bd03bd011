/**
 * Revocation: a deleted token or access key stops working at once, in this process and in a second one sharing the
 * PostgreSQL store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { createTestDatabase, TEST_PG_URL } from "../support/postgres.js";
import { testIdentity } from "../support/server.js";
import { send, signedRequest, startSecureServer } from "./support.js";

describe("token and key revocation in one process", () => {
  it("verifies a token, revokes it (204), and refuses it at once; a deleted key is refused at once", async () => {
    const server = await startSecureServer();
    try {
      const api = await ApiClient.login(server.url, server.projectId, server.password);
      const other = await ApiClient.login(server.url, server.projectId, server.password);
      const verified = await api.call("GET", "/v3/auth/tokens", undefined, { "X-Subject-Token": other.token });
      expect(verified.status).toBe(200);
      expect(verified.body.token.project.id).toBe(server.projectId);
      expect((await api.call("DELETE", "/v3/auth/tokens", undefined, { "X-Subject-Token": other.token })).status).toBe(
        204,
      );
      expect((await other.call("GET", other.p("/vpcs"))).status).toBe(401);
      const again = await api.call("GET", "/v3/auth/tokens", undefined, { "X-Subject-Token": other.token });
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe("IAM.0104");
      expect((await api.call("GET", api.p("/vpcs"))).status).toBe(200);

      const vpcs = `/v1/${server.projectId}/vpcs`;
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(200);
      await server.context.store.write((tx) => tx.deleteAccessKey(server.accessKey));
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!TEST_PG_URL)("revocation across processes on PostgreSQL (needs ECS_VIP_TEST_PG)", () => {
  it("a token revoked through one process is refused by the other at once", async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "ecs-vip-revoke-"));
    const identity = testIdentity();
    const a = await spawnServer({ db: database.url, identity, dataDir, startTimeoutMs: 30_000 });
    const b = await spawnServer({ db: database.url, identity, dataDir, startTimeoutMs: 30_000 });
    try {
      const onA = await ApiClient.login(a.url, identity.projectId, identity.password);
      const victim = await ApiClient.login(a.url, identity.projectId, identity.password);
      const victimOnB = new ApiClient(b.url, identity.projectId, victim.token);
      expect((await victimOnB.call("GET", victimOnB.p("/vpcs"))).status).toBe(200);
      expect((await onA.call("DELETE", "/v3/auth/tokens", undefined, { "X-Subject-Token": victim.token })).status).toBe(
        204,
      );
      expect((await victimOnB.call("GET", victimOnB.p("/vpcs"))).status).toBe(401);
    } finally {
      await Promise.all([a.terminate(), b.terminate()]);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
