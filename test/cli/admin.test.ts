import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/cli/api-client.js";
import { runCli } from "../support/child-server.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** `ecs-vip …args` with `stdin` piped in (the password), none of the parent's ECS_VIP_* settings. */
const ecsVip = (args: string[], stdin = "") => runCli(args, {}, stdin);

// Each run starts node with tsx (seconds on a loaded machine): generous timeouts.
describe("ecs-vip admin on the store of a running server", () => {
  let server: TestServer;
  const admin = (args: string[], stdin = "") => ecsVip(["admin", ...args, "--db", server.db, "--json"], stdin);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  const login = async (account: string, name: string, password: string) => {
    const response = await fetch(`${server.url}/v3/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: { methods: ["password"], password: { user: { name, password, domain: { name: account } } } },
        },
      }),
    });
    return { status: response.status, token: response.headers.get("x-subject-token") ?? "" };
  };
  const signedGet = async (ak: string, sk: string, projectId: string, path: string) => {
    const url = new URL(`${server.url}${path}`);
    const headers = signedHeaders({ accessKey: ak, secretKey: sk, projectId }, "GET", url, Buffer.alloc(0));
    return (await fetch(url, { headers })).status;
  };

  it("creates an account with its admin, a user, resets a password, creates, lists and revokes keys", async () => {
    const account = await admin(["account", "create", "acme", "--password-stdin"], "Acme-Passw0rd\n");
    expect(account.stderr).toBe("");
    expect(account.code).toBe(0);
    const created = JSON.parse(account.stdout);
    expect(created).toEqual(expect.objectContaining({ account: "acme", user: "admin", project_name: "local-1_acme" }));
    expect(created.password).toBeUndefined();
    expect((await login("acme", "admin", "Acme-Passw0rd")).status).toBe(201);
    // The other account's admin is not this one: same name, other password.
    expect((await login("default", "admin", "Acme-Passw0rd")).status).toBe(401);
    expect((await admin(["account", "create", "acme", "--password-stdin"], "Acme-Passw0rd\n")).code).toBe(1);

    const user = await admin(["user", "create", "--account", "acme", "bob"]);
    expect(user.code).toBe(0);
    const generated = JSON.parse(user.stdout).password as string;
    expect(generated.length).toBeGreaterThanOrEqual(12);
    expect((await login("acme", "bob", generated)).status).toBe(201);
    expect((await admin(["user", "create", "--account", "nope", "bob"])).code).toBe(1);

    const reset = await admin(["user", "password", "--account", "acme", "bob", "--password-stdin"], "Bob-Passw0rd-2\n");
    expect(reset.code).toBe(0);
    expect(reset.stdout).not.toContain("Bob-Passw0rd-2");
    expect((await login("acme", "bob", generated)).status).toBe(401);
    expect((await login("acme", "bob", "Bob-Passw0rd-2")).status).toBe(201);
    expect((await admin(["user", "password", "--account", "acme", "bob", "--password-stdin"], "weak\n")).code).toBe(1);

    const key = await admin(["key", "create", "--account", "acme", "--user", "admin"]);
    expect(key.code).toBe(0);
    const { access_key: ak, secret_key: sk } = JSON.parse(key.stdout);
    const vpcs = `/v1/${created.project_id}/vpcs`;
    expect(await signedGet(ak, sk, created.project_id, vpcs)).toBe(200);
    // Another account's project is not reachable with this key.
    expect(await signedGet(ak, sk, server.projectId, `/v1/${server.projectId}/vpcs`)).toBe(401);

    const listed = await admin(["key", "list", "--account", "acme"]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ access_key: ak, account: "acme", user: "admin", status: "active" }),
    ]);
    expect(listed.stdout).not.toContain(sk);
    const all = JSON.parse((await admin(["key", "list"])).stdout).map((row: { access_key: string }) => row.access_key);
    expect(all).toEqual(expect.arrayContaining([ak, server.accessKey]));

    const revoked = await admin(["key", "revoke", ak]);
    expect(revoked.code).toBe(0);
    // The running server refuses it from its next request.
    expect(await signedGet(ak, sk, created.project_id, vpcs)).toBe(401);
    const again = await admin(["key", "revoke", ak]);
    expect([again.code, again.stderr]).toEqual([1, `ecs-vip: no access key ${ak}\n`]);
  }, 120_000);
});
