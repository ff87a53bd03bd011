/**
 * Revocation: a deleted token or access key stops working at once, in this process and in a second one sharing the
 * store (PostgreSQL, or the same SQLite file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { signedHeaders } from "../../src/cli/api-client.js";
import { SYSTEM_ROLES } from "../../src/domain/iam/roles.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { defaultContext } from "../../src/usecases/context.js";
import { bootstrap } from "../../src/usecases/iam/bootstrap.js";
import { spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { createTestDatabase, TEST_PG_URL } from "../support/postgres.js";
import { testIdentity } from "../support/server.js";
import { type SecureServer, send, signedRequest, startSecureServer } from "./support.js";

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
      await server.context.store.write((tx) => tx.iam.deleteAccessKey(server.accessKey));
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

/** A user in a group granted VPC ReadOnlyAccess in the project, with an access key: lists VPCs with it. */
async function vpcReaderWithKey(admin: ApiClient, projectId: string) {
  const user = (await admin.call("POST", "/v3.0/OS-USER/users", { user: { name: "remote" } })).body.user;
  const group = (await admin.call("POST", "/v3/groups", { group: { name: "remote-readers" } })).body.group;
  expect((await admin.call("PUT", `/v3/groups/${group.id}/users/${user.id}`)).status).toBe(204);
  const role = SYSTEM_ROLES.find((r) => r.displayName === "VPC ReadOnlyAccess")?.id;
  const grant = `/v3/projects/${projectId}/groups/${group.id}/roles/${role}`;
  expect((await admin.call("PUT", grant)).status).toBe(204);
  const key = (await admin.call("POST", "/v3.0/OS-CREDENTIAL/credentials", { credential: { user_id: user.id } })).body
    .credential;
  const listVpcs = async (baseUrl: string) => {
    const url = new URL(`${baseUrl}/v1/${projectId}/vpcs`);
    const target = { accessKey: key.access, secretKey: key.secret, projectId };
    return (await fetch(url, { headers: signedHeaders(target, "GET", url, Buffer.alloc(0)) })).status;
  };
  return { user, grant, credential: `/v3.0/OS-CREDENTIAL/credentials/${key.access}`, listVpcs };
}

async function setKeyStatus(server: SecureServer, status: "active" | "inactive"): Promise<void> {
  await server.context.store.write(async (tx) => {
    const key = await tx.iam.getAccessKey(server.accessKey);
    if (key) await tx.iam.updateAccessKey({ ...key, status });
  });
}

describe("revocation in one process, with the identity facts kept from the requests before it", () => {
  it("a key used since the server started, then deleted or made inactive, is refused at once", async () => {
    const server = await startSecureServer();
    try {
      const vpcs = `/v1/${server.projectId}/vpcs`;
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(200);
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(200);
      await setKeyStatus(server, "inactive");
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(401);
      await setKeyStatus(server, "active");
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(200);
      expect((await send(...signedRequest(server, "GET", vpcs))).status).toBe(200);
      await server.context.store.write((tx) => tx.iam.deleteAccessKey(server.accessKey));
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

  it("a key made inactive, a grant taken away and a key deleted through one process are refused by the other at once", async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "ecs-vip-revoke-"));
    const identity = testIdentity();
    const a = await spawnServer({ db: database.url, identity, dataDir, startTimeoutMs: 30_000 });
    const b = await spawnServer({ db: database.url, identity, dataDir, startTimeoutMs: 30_000 });
    try {
      const admin = await ApiClient.login(a.url, identity.projectId, identity.password);
      const { grant, credential, listVpcs } = await vpcReaderWithKey(admin, identity.projectId);
      const onB = () => listVpcs(b.url);
      expect(await onB()).toBe(200);
      await admin.call("PUT", credential, { credential: { status: "inactive" } });
      expect(await onB()).toBe(401);
      await admin.call("PUT", credential, { credential: { status: "active" } });
      expect(await onB()).toBe(200);
      expect((await admin.call("DELETE", grant)).status).toBe(204);
      expect(await onB()).toBe(403);
      expect((await admin.call("DELETE", credential)).status).toBe(204);
      expect(await onB()).toBe(401);
    } finally {
      await Promise.all([a.terminate(), b.terminate()]);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe("revocation across connections to one SQLite file (as another process or the CLI writes it)", () => {
  it("a token revoked, a key made inactive, a grant taken away, a key deleted, through the other or itself, are refused at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-vip-revoke-"));
    const path = join(dir, "shared.db");
    const identity = testIdentity();
    const storeA = await SqliteStore.open({ path });
    const storeB = await SqliteStore.open({ path });
    await bootstrap(defaultContext(storeA), {
      projectName: "local-1",
      projectId: identity.projectId,
      accessKey: identity.accessKey,
      secretKey: identity.secretKey,
      adminPassword: identity.password,
    });
    const a = await buildApp({ context: defaultContext(storeA) });
    const b = await buildApp({ context: defaultContext(storeB) });
    const urlOf = async (app: typeof a) => {
      await app.listen({ host: "127.0.0.1", port: 0 });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    };
    try {
      const [urlA, urlB] = [await urlOf(a), await urlOf(b)];
      const admin = await ApiClient.login(urlB, identity.projectId, identity.password);
      const victim = await ApiClient.login(urlB, identity.projectId, identity.password);
      const victimOnA = new ApiClient(urlA, identity.projectId, victim.token);
      expect((await victimOnA.call("GET", victimOnA.p("/vpcs"))).status).toBe(200);
      expect((await victimOnA.call("GET", victimOnA.p("/vpcs"))).status).toBe(200);
      expect(
        (await admin.call("DELETE", "/v3/auth/tokens", undefined, { "X-Subject-Token": victim.token })).status,
      ).toBe(204);
      expect((await victimOnA.call("GET", victimOnA.p("/vpcs"))).status).toBe(401);

      const { user, grant, credential, listVpcs } = await vpcReaderWithKey(admin, identity.projectId);
      const onA = () => listVpcs(urlA);
      expect(await onA()).toBe(200);
      expect(await onA()).toBe(200);
      await admin.call("PUT", credential, { credential: { status: "inactive" } });
      expect(await onA()).toBe(401);
      await admin.call("PUT", credential, { credential: { status: "active" } });
      expect(await onA()).toBe(200);
      expect((await admin.call("DELETE", grant)).status).toBe(204);
      expect(await onA()).toBe(403);
      expect((await admin.call("DELETE", credential)).status).toBe(204);
      expect(await onA()).toBe(401);

      // The same through the process's own connection: its commits do not change SQLite's data_version.
      const adminOnA = await ApiClient.login(urlA, identity.projectId, identity.password);
      const second = (
        await adminOnA.call("POST", "/v3.0/OS-CREDENTIAL/credentials", { credential: { user_id: user.id } })
      ).body.credential;
      const secondOnA = async () => {
        const url = new URL(`${urlA}/v1/${identity.projectId}/vpcs`);
        const target = { accessKey: second.access, secretKey: second.secret, projectId: identity.projectId };
        return (await fetch(url, { headers: signedHeaders(target, "GET", url, Buffer.alloc(0)) })).status;
      };
      expect((await adminOnA.call("PUT", grant)).status).toBe(204);
      expect(await secondOnA()).toBe(200);
      expect(await secondOnA()).toBe(200);
      await adminOnA.call("PUT", `/v3.0/OS-CREDENTIAL/credentials/${second.access}`, {
        credential: { status: "inactive" },
      });
      expect(await secondOnA()).toBe(401);
      const victimOfA = await ApiClient.login(urlA, identity.projectId, identity.password);
      expect((await victimOfA.call("GET", victimOfA.p("/vpcs"))).status).toBe(200);
      expect((await victimOfA.call("GET", victimOfA.p("/vpcs"))).status).toBe(200);
      expect(
        (await adminOnA.call("DELETE", "/v3/auth/tokens", undefined, { "X-Subject-Token": victimOfA.token })).status,
      ).toBe(204);
      expect((await victimOfA.call("GET", victimOfA.p("/vpcs"))).status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([storeA.close(), storeB.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
