import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signedHeaders } from "../../../src/cli/api-client.js";
import { SYSTEM_ROLES } from "../../../src/domain/iam/roles.js";
import { createInjectApp, type InjectApp, TEST_PROJECT_ID } from "../../support/inject-app.js";

const roleId = (displayName: string) => SYSTEM_ROLES.find((role) => role.displayName === displayName)?.id as string;

describe("IAM users, groups, grants and permanent access keys", () => {
  let h: InjectApp;
  beforeAll(async () => {
    h = await createInjectApp();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const login = async (name: string, password: string) => {
    const response = await h.call("POST", "/v3/auth/tokens", {
      auth: {
        identity: { methods: ["password"], password: { user: { name, password, domain: { name: "default" } } } },
        scope: { project: { id: TEST_PROJECT_ID } },
      },
    });
    return { status: response.status, token: String(response.headers["x-subject-token"] ?? ""), body: response.body };
  };
  const as = (token: string) => ({ "x-auth-token": token });
  const signedCall = async (ak: string, sk: string, method: string, path: string, body?: unknown) => {
    const port = await h.port();
    const url = new URL(`http://127.0.0.1:${port}${path}`);
    const raw = Buffer.from(body === undefined ? "" : JSON.stringify(body));
    const headers = signedHeaders({ accessKey: ak, secretKey: sk, projectId: TEST_PROJECT_ID }, method, url, raw);
    return h.fetch(method, path, body, { ...headers, "x-auth-token": "" });
  };
  const newUser = async (name: string, password = "Reader-Pass1") => {
    const created = await h.call("POST", "/v3.0/OS-USER/users", { user: { name, password, description: "d" } });
    expect(created.status, created.text).toBe(201);
    return created.body.user as { id: string; name: string; domain_id: string };
  };
  const groupWith = async (name: string, userId: string, role: string) => {
    const group = (await h.call("POST", "/v3/groups", { group: { name, description: "g" } })).body.group;
    expect((await h.call("PUT", `/v3/groups/${group.id}/users/${userId}`)).status).toBe(204);
    const grant = `/v3/projects/${TEST_PROJECT_ID}/groups/${group.id}/roles/${roleId(role)}`;
    expect((await h.call("PUT", grant)).status).toBe(204);
    return { group, grant };
  };

  it("creates, lists, shows, updates and deletes users; the deleted user's token stops at once", async () => {
    const user = await newUser("reader");
    expect(user.domain_id).toBeTruthy();
    const listed = await h.call("GET", "/v3/users?name=reader");
    expect(listed.body.users.map((u: { id: string }) => u.id)).toEqual([user.id]);
    expect((await h.call("GET", "/v3/users")).body.users.map((u: { name: string }) => u.name)).toEqual([
      "admin",
      "reader",
    ]);
    expect((await h.call("POST", "/v3.0/OS-USER/users", { user: { name: "reader" } })).body.error.code).toBe(
      "IAM.0005",
    );
    expect((await h.call("POST", "/v3.0/OS-USER/users", { user: { name: "1bad" } })).status).toBe(400);
    expect((await h.call("POST", "/v3.0/OS-USER/users", { user: { name: "weak", password: "short" } })).status).toBe(
      400,
    );
    const patched = await h.call("PATCH", `/v3/users/${user.id}`, { user: { description: "changed" } });
    expect(patched.body.user.description).toBe("changed");
    const { token } = await login("reader", "Reader-Pass1");
    expect(token).not.toBe("");
    // The user shows itself without any IAM permission, but not another user.
    expect((await h.call("GET", `/v3/users/${user.id}`, undefined, as(token))).status).toBe(200);
    const admin = (await h.call("GET", "/v3/users?name=admin")).body.users[0];
    const denied = await h.call("GET", `/v3/users/${admin.id}`, undefined, as(token));
    expect([denied.status, denied.body.error.code]).toEqual([403, "IAM.0003"]);
    expect((await h.call("DELETE", `/v3/users/${user.id}`)).status).toBe(204);
    expect((await h.call("GET", `/v3/users/${user.id}`)).status).toBe(404);
    const after = await h.call("GET", "/v3/projects", undefined, as(token));
    expect([after.status, after.body.error_code]).toEqual([401, "APIGW.0301"]);
    expect((await h.call("DELETE", `/v3/users/${admin.id}`)).status).toBe(403);
  });

  it("a disabled user can neither log in nor use its token; enabled again, it can", async () => {
    const user = await newUser("ops");
    const { token } = await login("ops", "Reader-Pass1");
    expect((await h.call("PATCH", `/v3/users/${user.id}`, { user: { enabled: false } })).status).toBe(200);
    expect((await login("ops", "Reader-Pass1")).status).toBe(401);
    expect((await h.call("GET", `/v3/users/${user.id}`, undefined, as(token))).status).toBe(401);
    await h.call("PATCH", `/v3/users/${user.id}`, { user: { enabled: true } });
    expect((await h.call("GET", `/v3/users/${user.id}`, undefined, as(token))).status).toBe(200);
  });

  it("changes one's own password with the original one only", async () => {
    const user = await newUser("pw");
    const { token } = await login("pw", "Reader-Pass1");
    const wrong = await h.call(
      "POST",
      `/v3/users/${user.id}/password`,
      { user: { original_password: "nope", password: "Second-Pass2" } },
      as(token),
    );
    expect(wrong.status).toBe(401);
    const ok = await h.call(
      "POST",
      `/v3/users/${user.id}/password`,
      { user: { original_password: "Reader-Pass1", password: "Second-Pass2" } },
      as(token),
    );
    expect(ok.status).toBe(204);
    expect((await login("pw", "Reader-Pass1")).status).toBe(401);
    expect((await login("pw", "Second-Pass2")).status).toBe(201);
    const admin = (await h.call("GET", "/v3/users?name=admin")).body.users[0];
    const other = await h.call(
      "POST",
      `/v3/users/${admin.id}/password`,
      { user: { original_password: h.password, password: "Stolen-Pass3" } },
      as(token),
    );
    expect([other.status, other.body.error.code]).toEqual([403, "IAM.0003"]);
    expect((await login("admin", h.password)).status).toBe(201);
  });

  it("lists the system roles; a group granted VPC ReadOnlyAccess reads VPCs and is refused writes, nothing changed", async () => {
    const roles = (await h.call("GET", "/v3/roles")).body;
    expect(roles.roles.map((r: { display_name: string }) => r.display_name)).toEqual(
      expect.arrayContaining([
        "Tenant Administrator",
        "Tenant Guest",
        "ECS FullAccess",
        "ECS ReadOnlyAccess",
        "VPC FullAccess",
        "VPC ReadOnlyAccess",
      ]),
    );
    expect(roles.total_number).toBe(roles.roles.length);
    expect((await h.call("GET", "/v3/roles?display_name=VPC%20FullAccess")).body.roles[0].policy).toEqual({
      Version: "1.1",
      Statement: [{ Effect: "Allow", Action: ["vpc:*:*"] }],
    });
    const user = await newUser("viewer");
    const { token } = await login("viewer", "Reader-Pass1");
    // No group yet: nothing allowed.
    const none = await h.call("GET", `/v1/${TEST_PROJECT_ID}/vpcs`, undefined, as(token));
    expect([none.status, none.body.code]).toEqual([403, "VPC.2201"]);
    const { grant, group } = await groupWith("viewers", user.id, "VPC ReadOnlyAccess");
    expect((await h.call("HEAD", grant)).status).toBe(204);
    expect((await h.call("GET", "/v3/groups?name=viewers")).body.groups[0].id).toBe(group.id);
    expect((await h.call("GET", `/v1/${TEST_PROJECT_ID}/vpcs`, undefined, as(token))).status).toBe(200);
    const before = await h.dump();
    const write = await h.call(
      "POST",
      `/v1/${TEST_PROJECT_ID}/vpcs`,
      { vpc: { name: "x", cidr: "10.0.0.0/16" } },
      as(token),
    );
    expect([write.status, write.body.code, write.body.message]).toEqual([
      403,
      "VPC.2201",
      "Policy doesn't allow vpc:vpcs:create to be performed.",
    ]);
    const ecs = await h.call("GET", `/v1/${TEST_PROJECT_ID}/cloudservers/detail`, undefined, as(token));
    expect([ecs.status, ecs.body.error.code]).toEqual([403, "Ecs.0003"]);
    const neutron = await h.call("POST", "/v2.0/ports", { port: { network_id: "x" } }, as(token));
    expect([neutron.status, neutron.body.NeutronError.type]).toEqual([403, "PolicyNotAuthorized"]);
    expect(await h.dump()).toEqual(before);
    // The grant taken away holds from the next request.
    expect((await h.call("DELETE", grant)).status).toBe(204);
    expect((await h.call("DELETE", grant)).status).toBe(404);
    expect((await h.call("HEAD", grant)).status).toBe(404);
    expect((await h.call("GET", `/v1/${TEST_PROJECT_ID}/vpcs`, undefined, as(token))).status).toBe(403);
    expect((await h.call("PUT", `/v3/projects/${TEST_PROJECT_ID}/groups/${group.id}/roles/nope`)).status).toBe(404);
    expect((await h.call("PUT", `/v3/projects/nope/groups/${group.id}/roles/${roleId("VPC FullAccess")}`)).status).toBe(
      404,
    );
  });

  it("permanent access keys: create, list, show, deactivate (refused at once), reactivate, delete (refused at once)", async () => {
    const user = await newUser("robot");
    await groupWith("robots", user.id, "VPC ReadOnlyAccess");
    const created = await h.call("POST", "/v3.0/OS-CREDENTIAL/credentials", {
      credential: { user_id: user.id, description: "ci" },
    });
    expect(created.status).toBe(201);
    const { access, secret, status } = created.body.credential;
    expect([status, typeof secret]).toEqual(["active", "string"]);
    const vpcs = `/v1/${TEST_PROJECT_ID}/vpcs`;
    expect((await signedCall(access, secret, "GET", vpcs)).status).toBe(200);
    const listed = await h.call("GET", `/v3.0/OS-CREDENTIAL/credentials?user_id=${user.id}`);
    expect(listed.body.credentials).toEqual([expect.objectContaining({ access, status: "active", description: "ci" })]);
    expect(listed.text).not.toContain(secret);
    const shown = await h.call("GET", `/v3.0/OS-CREDENTIAL/credentials/${access}`);
    expect(shown.body.credential.secret).toBeUndefined();
    const off = await h.call("PUT", `/v3.0/OS-CREDENTIAL/credentials/${access}`, {
      credential: { status: "inactive" },
    });
    expect(off.body.credential.status).toBe("inactive");
    expect((await signedCall(access, secret, "GET", vpcs)).status).toBe(401);
    await h.call("PUT", `/v3.0/OS-CREDENTIAL/credentials/${access}`, { credential: { status: "active" } });
    expect((await signedCall(access, secret, "GET", vpcs)).status).toBe(200);
    // The key's owner manages its own keys without any IAM permission.
    const own = await signedCall(access, secret, "GET", "/v3.0/OS-CREDENTIAL/credentials");
    expect(own.body.credentials.map((c: { access: string }) => c.access)).toEqual([access]);
    const second = await signedCall(access, secret, "POST", "/v3.0/OS-CREDENTIAL/credentials", {
      credential: { user_id: user.id },
    });
    expect(second.status).toBe(201);
    const third = await h.call("POST", "/v3.0/OS-CREDENTIAL/credentials", { credential: { user_id: user.id } });
    expect([third.status, third.body.error.code]).toEqual([400, "IAM.0012"]);
    // …but not another user's.
    const admin = (await h.call("GET", "/v3/users?name=admin")).body.users[0];
    const foreign = await signedCall(access, secret, "GET", `/v3.0/OS-CREDENTIAL/credentials?user_id=${admin.id}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([403, "IAM.0003"]);
    expect((await h.call("DELETE", `/v3.0/OS-CREDENTIAL/credentials/${access}`)).status).toBe(204);
    expect((await signedCall(access, secret, "GET", vpcs)).status).toBe(401);
    expect((await h.call("DELETE", `/v3.0/OS-CREDENTIAL/credentials/${access}`)).status).toBe(404);
  });

  it("creates a project under the region project, refuses a bad or duplicate name, and lists it", async () => {
    const made = await h.call("POST", "/v3/projects", { project: { name: "local-1_dev", parent_id: TEST_PROJECT_ID } });
    expect(made.status, made.text).toBe(201);
    expect(made.body.project).toEqual(expect.objectContaining({ name: "local-1_dev", enabled: true }));
    expect(
      (await h.call("POST", "/v3/projects", { project: { name: "local-1_dev", parent_id: TEST_PROJECT_ID } })).status,
    ).toBe(409);
    expect((await h.call("POST", "/v3/projects", { project: { name: "elsewhere_dev" } })).status).toBe(400);
    const listed = await h.call("GET", "/v3/projects?name=local-1_dev");
    expect(listed.body.projects.map((p: { id: string }) => p.id)).toEqual([made.body.project.id]);
    expect((await h.call("GET", `/v3/projects/${made.body.project.id}`)).status).toBe(200);
  });
});
