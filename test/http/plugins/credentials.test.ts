/**
 * A request's credentials are read once and shared by the rate limit, the authentication and the audit trail; a
 * token's signature is checked once and kept. What that must not change: a revoked token or a taken-away grant
 * holds from the next request, a forged token counts against its address, and the trail names the caller.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SYSTEM_ROLES } from "../../../src/domain/iam/roles.js";
import { passwordLogin, type SecureServer, send, signedRequest, startSecureServer } from "../../security/support.js";
import { ApiClient } from "../../support/client.js";

let server: SecureServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

describe("a token that worked", () => {
  it("is refused on the very next request once revoked", async () => {
    server = await startSecureServer({ rateLimit: 1000 });
    const admin = await ApiClient.login(server.url, server.projectId, server.password);
    const victim = await ApiClient.login(server.url, server.projectId, server.password);
    for (let i = 0; i < 3; i++) expect((await victim.call("GET", victim.p("/vpcs"))).status).toBe(200);
    const revoked = await admin.call("DELETE", "/v3/auth/tokens", undefined, { "X-Subject-Token": victim.token });
    expect(revoked.status).toBe(204);
    const refused = await victim.call("GET", victim.p("/vpcs"));
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe("APIGW.0301");
    expect((await admin.call("GET", admin.p("/vpcs"))).status).toBe(200);
  });

  it("is refused once its user is disabled, and a signed caller is refused once its grant is taken away", async () => {
    server = await startSecureServer({ rateLimit: 1000 });
    const s = server;
    const admin = await ApiClient.login(s.url, s.projectId, s.password);
    const user = (
      await admin.call("POST", "/v3.0/OS-USER/users", { user: { name: "reader", password: "Reader-Passw0rd1" } })
    ).body.user;
    const group = (await admin.call("POST", "/v3/groups", { group: { name: "readers" } })).body.group;
    expect((await admin.call("PUT", `/v3/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    const role = SYSTEM_ROLES.find((r) => r.displayName === "VPC ReadOnlyAccess")?.id;
    const grant = `/v3/projects/${s.projectId}/groups/${group.id}/roles/${role}`;
    expect((await admin.call("PUT", grant)).status).toBe(204);
    const key = (await admin.call("POST", "/v3.0/OS-CREDENTIAL/credentials", { credential: { user_id: user.id } })).body
      .credential;
    const vpcs = `/v1/${s.projectId}/vpcs`;
    const signed = () => send(...signedRequest(s, "GET", vpcs, { ak: key.access, sk: key.secret }));
    const reader = await passwordLogin(s, "reader", "Reader-Passw0rd1");
    expect(reader.status).toBe(201);
    const token = reader.headers.get("x-subject-token") as string;
    const withToken = () => send(`${s.url}${vpcs}`, { headers: { "x-auth-token": token } });
    for (let i = 0; i < 2; i++) {
      expect((await signed()).status).toBe(200);
      expect((await withToken()).status).toBe(200);
    }
    expect((await admin.call("DELETE", grant)).status).toBe(204);
    expect((await signed()).status).toBe(403);
    expect((await withToken()).status).toBe(403);
    const disabled = await admin.call("PATCH", `/v3/users/${user.id}`, { user: { enabled: false } });
    expect(disabled.status).toBe(200);
    expect((await withToken()).status).toBe(401);
    expect((await signed()).status).toBe(401);
  });
});

describe("the rate limit's key", () => {
  it("counts two tokens of one user in one bucket, and a forged token against its address", async () => {
    // The clock stands still: no bucket refills while the test runs, however slow the machine.
    vi.useFakeTimers({ toFake: ["Date"] });
    server = await startSecureServer({ rateLimit: 3 });
    const s = server;
    // Two logins: no credentials, so both count against the address (2 of its 3).
    const first = await ApiClient.login(s.url, s.projectId, s.password);
    const second = await ApiClient.login(s.url, s.projectId, s.password);
    expect((await first.call("GET", first.p("/vpcs"))).status).toBe(200);
    expect((await first.call("GET", first.p("/vpcs"))).status).toBe(200);
    expect((await second.call("GET", second.p("/vpcs"))).status).toBe(200);
    expect((await second.call("GET", second.p("/vpcs"))).status).toBe(429);
    const [payload] = first.token.split(".");
    const forged = new ApiClient(s.url, s.projectId, `${payload}.${"A".repeat(43)}`);
    expect((await forged.call("GET", forged.p("/vpcs"))).status).toBe(401);
    expect((await forged.call("GET", forged.p("/vpcs"))).status).toBe(429);
  });
});

describe("the audit trail", () => {
  it("names the caller of a token request and the access key of a signed one", async () => {
    server = await startSecureServer({ rateLimit: 1000 });
    const s = server;
    const api = await ApiClient.login(s.url, s.projectId, s.password);
    const created = await api.call("POST", api.p("/vpcs"), { vpc: { name: "by-token", cidr: "10.0.0.0/16" } });
    expect(created.status).toBe(200);
    const signed = await send(
      ...signedRequest(s, "POST", `/v1/${s.projectId}/vpcs`, {
        body: { vpc: { name: "by-key", cidr: "10.1.0.0/16" } },
      }),
    );
    expect(signed.status).toBe(200);
    const key = await s.context.store.read((tx) => tx.iam.getAccessKey(s.accessKey));
    await s.app.close();
    const records = await s.context.store.read((tx) => tx.audit.list({ limit: 100 }));
    const creates = records.filter((record) => record.action === "POST /v1/:project_id/vpcs");
    expect(
      creates.map(({ userId, accessKey, projectId, status }) => ({ userId, accessKey, projectId, status })),
    ).toEqual([
      { userId: key?.userId, accessKey: "", projectId: s.projectId, status: 200 },
      { userId: key?.userId, accessKey: s.accessKey, projectId: s.projectId, status: 200 },
    ]);
  });
});
