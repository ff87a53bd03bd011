/**
 * Every route of the app, walked (1) by a user holding Tenant Guest (read-only) on the project: reads pass, every
 * write is refused with 403 in its service's envelope and the store does not change; (2) by a user of another
 * project of the same account and (3) by the administrator of another account: nothing of the project is changed,
 * and no id of it appears in an answer unless the request named it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolesAllow, SYSTEM_ROLES } from "../../../src/domain/iam/roles.js";
import { actionsOf } from "../../../src/http/permission.js";
import { createAccount } from "../../../src/usecases/iam/admin.js";
import {
  buildFuzzWorld,
  discoverRoutes,
  type FuzzWorld,
  paramValue,
  type Route,
  serviceOfPath,
  validBody,
  validQuery,
} from "../../fuzz/catalog.js";
import { createInjectApp, type InjectApp, TEST_PROJECT_ID } from "../../support/inject-app.js";

const GUEST = SYSTEM_ROLES.find((role) => role.displayName === "Tenant Guest")?.id as string;
const ADMIN_ROLE = SYSTEM_ROLES.find((role) => role.displayName === "Tenant Administrator")?.id as string;
const READS = new Set(["GET", "HEAD"]);

const DENIED_CODE: Record<string, string> = {
  ecs: "Ecs.0003",
  vpc: "VPC.2201",
  neutron: "PolicyNotAuthorized",
  iam: "IAM.0003",
  gateway: "APIGW.0302",
};

function codeOf(body: any): string | undefined {
  return body?.error?.code ?? body?.NeutronError?.type ?? body?.error_code ?? body?.code;
}

function requestOf(world: FuzzWorld, route: Route) {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
    encodeURIComponent(paramValue(world, route, name)),
  );
  const query = validQuery(world, route);
  const url = query.length ? `${path}?${new URLSearchParams(query)}` : path;
  return { url, body: validBody(world, route) };
}

/** Rows of the world's project (and rows of tables without a project): what another tenant must not change. */
function projectRows(dump: Record<string, Record<string, unknown>[]>, projectId: string) {
  return Object.fromEntries(
    Object.entries(dump).map(([table, rows]) => [
      table,
      rows.filter((row) => row.project_id === undefined || row.project_id === projectId),
    ]),
  );
}

describe("permissions on every route", () => {
  let h: InjectApp;
  let world: FuzzWorld;
  let routes: Route[];
  const login = async (account: string, name: string, password: string, projectId?: string) => {
    const response = await h.call("POST", "/v3/auth/tokens", {
      auth: {
        identity: { methods: ["password"], password: { user: { name, password, domain: { name: account } } } },
        ...(projectId ? { scope: { project: { id: projectId } } } : {}),
      },
    });
    expect(response.status, response.text).toBe(201);
    return String(response.headers["x-subject-token"]);
  };
  const userIn = async (name: string, role: string, projectId: string) => {
    const user = (await h.call("POST", "/v3.0/OS-USER/users", { user: { name, password: "Walker-Pass1" } })).body.user;
    const group = (await h.call("POST", "/v3/groups", { group: { name: `${name}-group` } })).body.group;
    expect((await h.call("PUT", `/v3/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await h.call("PUT", `/v3/projects/${projectId}/groups/${group.id}/roles/${role}`)).status).toBe(204);
    return login("default", name, "Walker-Pass1", projectId);
  };
  /** The permission the route declares where it is registered (undefined when it declares none). */
  const permissionOf = (route: Route) =>
    h.app.routeCatalog.find((entry) => entry.method === route.method && entry.url === route.path)?.config.permission;
  const worldIds = () =>
    [world.vpcId, world.subnetId, world.serverId, world.nicId, world.vipPortId, world.privateIpId, world.jobId].filter(
      Boolean,
    );

  beforeAll(async () => {
    h = await createInjectApp({ limits: { serverBuildMs: 0 } });
    world = await buildFuzzWorld(h);
    routes = discoverRoutes(h.app);
  }, 60_000);
  afterAll(() => h.close());

  it("has a declared permission on every route, public exactly where the route answers without credentials", async () => {
    const missing = routes.filter((route) => permissionOf(route) === undefined);
    expect(missing).toEqual([]);
    for (const route of routes) {
      const { url, body } = requestOf(world, route);
      const response = await h.app.inject({
        method: route.method as "GET",
        url,
        payload: body === undefined ? undefined : JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      const isPublic = permissionOf(route)?.kind === "public";
      const gatewayRefusal =
        response.statusCode === 401 && (route.method === "HEAD" || response.json().error_code === "APIGW.0301");
      expect(gatewayRefusal, `${route.method} ${route.path} → ${response.statusCode}`).toBe(!isPublic);
    }
  });

  it("a Tenant Guest reads what its role allows and is refused every write, in the service's envelope; nothing changes", async () => {
    const token = await userIn("guest", GUEST, TEST_PROJECT_ID);
    const before = await h.dump();
    let reads = 0;
    let refused = 0;
    for (const route of routes) {
      const permission = permissionOf(route);
      if (!permission || permission.kind === "public") continue;
      const { url, body } = requestOf(world, route);
      const response = await h.call(route.method, url, body, { "x-auth-token": token });
      const where = `${route.method} ${route.path} → ${response.status} ${response.text.slice(0, 200)}`;
      expect(response.status, where).toBeLessThan(500);
      const allowed =
        permission.kind === "action" &&
        !permission.self &&
        actionsOf(permission, body).every((a) => rolesAllow([GUEST], a));
      if (permission.kind === "admin" || (permission.kind === "action" && !permission.self && !allowed)) {
        expect(response.status, where).toBe(403);
        if (route.method !== "HEAD") {
          expect(codeOf(response.body), where).toBe(DENIED_CODE[serviceOfPath(route.path) ?? "gateway"]);
        }
        refused++;
      } else if (permission.kind === "action" && allowed) {
        expect(READS.has(route.method), `${where}: Tenant Guest allows only reads`).toBe(true);
        expect([401, 403], where).not.toContain(response.status);
        reads++;
      } else {
        expect([401], where).not.toContain(response.status);
      }
      if (!READS.has(route.method) && response.status < 300)
        throw new Error(`a read-only user changed something: ${where}`);
    }
    expect(reads).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(50);
    expect(await h.dump()).toEqual(before);
  }, 60_000);

  it("a user of another project of the account, and the administrator of another account, change and see nothing of the project", async () => {
    const other = await h.call("POST", "/v3/projects", {
      project: { name: "local-1_walk", parent_id: TEST_PROJECT_ID },
    });
    expect(other.status, other.text).toBe(201);
    const neighbour = await userIn("neighbour", ADMIN_ROLE, other.body.project.id);
    await createAccount(h.context, { name: "stranger", password: "Stranger-Pass1", projectName: "local-1_stranger" });
    const stranger = await login("stranger", "admin", "Stranger-Pass1");
    for (const token of [neighbour, stranger]) {
      const before = projectRows(await h.dump(), TEST_PROJECT_ID);
      for (const route of routes) {
        const permission = permissionOf(route);
        if (!permission || permission.kind === "public") continue;
        const { url, body } = requestOf(world, route);
        const response = await h.call(route.method, url, body, { "x-auth-token": token });
        const where = `${route.method} ${route.path} → ${response.status} ${response.text.slice(0, 200)}`;
        expect(response.status, where).toBeLessThan(500);
        const asked = `${url} ${JSON.stringify(body ?? "")}`;
        for (const id of worldIds()) {
          if (!asked.includes(id)) expect(response.text.includes(id), `${where} leaks ${id}`).toBe(false);
        }
        if (!READS.has(route.method) && worldIds().some((id) => asked.includes(id))) {
          expect(response.status, `${where}: a write on the project's resources`).toBeGreaterThanOrEqual(400);
        }
      }
      expect(projectRows(await h.dump(), TEST_PROJECT_ID)).toEqual(before);
    }
  }, 120_000);
});
