/**
 * A Neutron create that names its project (`project_id` / `tenant_id`): the account's administrator may name any
 * project of the account that exists (the resource is that project's), a project that does not exist is refused as
 * Neutron refuses it, and any other caller may name only its own project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ROLES, TENANT_ADMINISTRATOR } from "../../../src/domain/iam/roles.js";
import { createAccount } from "../../../src/usecases/iam/admin.js";
import { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, openHttpSuite } from "../../support/http-suite.js";

let suite: HttpSuite;
let admin: ApiClient;
/** Another project of the account, and a user that administers it without being an account administrator. */
let otherProjectId: string;
let member: ApiClient;

const MISSING_PROJECT = "0123456789abcdef0123456789abcdef";

async function loginAs(name: string, password: string, projectId: string): Promise<ApiClient> {
  const response = await admin.call("POST", "/v3/auth/tokens", {
    auth: {
      identity: { methods: ["password"], password: { user: { name, password, domain: { name: "default" } } } },
      scope: { project: { id: projectId } },
    },
  });
  expect(response.status).toBe(201);
  return new ApiClient(suite.server.url, projectId, response.headers.get("x-subject-token") ?? "");
}

beforeAll(async () => {
  suite = await openHttpSuite();
  admin = suite.api;
  const own = (await admin.call("GET", `/v3/projects/${suite.server.projectId}`)).body.project;
  const other = await admin.call("POST", "/v3/projects", {
    project: { name: `${own.name}_owner`, parent_id: own.id },
  });
  expect(other.status).toBe(201);
  otherProjectId = other.body.project.id;
  const role = SYSTEM_ROLES.find((candidate) => candidate.displayName === TENANT_ADMINISTRATOR)?.id as string;
  const user = (await admin.call("POST", "/v3.0/OS-USER/users", { user: { name: "member", password: "Member-Pass1" } }))
    .body.user;
  const group = (await admin.call("POST", "/v3/groups", { group: { name: "members" } })).body.group;
  expect((await admin.call("PUT", `/v3/groups/${group.id}/users/${user.id}`)).status).toBe(204);
  expect((await admin.call("PUT", `/v3/projects/${otherProjectId}/groups/${group.id}/roles/${role}`)).status).toBe(204);
  member = await loginAs("member", "Member-Pass1", otherProjectId);
});
afterAll(async () => suite.server.dispose());

const refusedFor = (client: ApiClient, path: string, body: unknown, message: string | RegExp) =>
  expectRefused({ ...suite, api: client }, { method: "POST", path, body }, { status: 400, code: "BadRequest" }).then(
    (response) => expect(response.body.NeutronError.message).toMatch(message),
  );

describe("Neutron creates naming a project", () => {
  it("lets the account's administrator make networks, subnets, ports, groups, rules, routers and floating IPs for another project of the account", async () => {
    const asOther = { project_id: otherProjectId };
    const network = await admin.call("POST", "/v2.0/networks", { network: { name: "theirs", ...asOther } });
    expect(network.status).toBe(201);
    expect(network.body.network).toMatchObject({ project_id: otherProjectId, tenant_id: otherProjectId });
    // The resource is the other project's: its own users see it, the administrator's project does not list it.
    expect((await member.call("GET", `/v2.0/networks/${network.body.network.id}`)).status).toBe(200);
    expect((await admin.call("GET", `/v2.0/networks?id=${network.body.network.id}`)).body.networks).toEqual([]);

    const subnet = await admin.call("POST", "/v2.0/subnets", {
      subnet: { network_id: network.body.network.id, cidr: "10.90.0.0/24", tenant_id: otherProjectId },
    });
    expect(subnet.status).toBe(201);
    expect(subnet.body.subnet.project_id).toBe(otherProjectId);

    const ports = await admin.call("POST", "/v2.0/ports", {
      ports: [
        { network_id: network.body.network.id, ...asOther },
        { network_id: network.body.network.id, tenant_id: otherProjectId },
      ],
    });
    expect(ports.status).toBe(201);
    expect(ports.body.ports.map((port: any) => port.project_id)).toEqual([otherProjectId, otherProjectId]);

    const group = await admin.call("POST", "/v2.0/security-groups", { security_group: { name: "g", ...asOther } });
    expect(group.status).toBe(201);
    expect(group.body.security_group.project_id).toBe(otherProjectId);
    const rule = await admin.call("POST", "/v2.0/security-group-rules", {
      security_group_rule: { security_group_id: group.body.security_group.id, direction: "ingress", ...asOther },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.security_group_rule.project_id).toBe(otherProjectId);

    const router = await admin.call("POST", "/v2.0/routers", { router: { name: "their-router", ...asOther } });
    expect(router.status).toBe(201);
    expect(router.body.router.project_id).toBe(otherProjectId);
    expect((await member.call("GET", `/v2.0/routers/${router.body.router.id}`)).status).toBe(200);

    const externalId = (await admin.call("GET", "/v2.0/networks?router:external=true")).body.networks[0].id;
    const fip = await admin.call("POST", "/v2.0/floatingips", {
      floatingip: { floating_network_id: externalId, ...asOther },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip.project_id).toBe(otherProjectId);
    expect((await member.call("GET", `/v2.0/floatingips/${fip.body.floatingip.id}`)).status).toBe(200);
  });

  it("takes the caller's own project, named by either key, as if none were named", async () => {
    const own = suite.server.projectId;
    const network = await admin.call("POST", "/v2.0/networks", { network: { project_id: own, tenant_id: own } });
    expect(network.status).toBe(201);
    expect(network.body.network.project_id).toBe(own);
    const mine = await member.call("POST", "/v2.0/security-groups", {
      security_group: { name: "mine", tenant_id: otherProjectId },
    });
    expect(mine.status).toBe(201);
    expect(mine.body.security_group.project_id).toBe(otherProjectId);
  });

  it("refuses a project that does not exist, another account's, keys that disagree, and a non-administrator naming another project", async () => {
    const network = (await admin.call("POST", "/v2.0/networks", { network: { name: "n" } })).body.network;
    const missing = `Project ${MISSING_PROJECT} does not exist.`;
    await refusedFor(admin, "/v2.0/ports", { port: { network_id: network.id, project_id: MISSING_PROJECT } }, missing);
    await refusedFor(admin, "/v2.0/networks", { network: { tenant_id: MISSING_PROJECT } }, missing);
    await refusedFor(admin, "/v2.0/routers", { router: { name: "r", project_id: MISSING_PROJECT } }, missing);
    await refusedFor(admin, "/v2.0/security-groups", { security_group: { project_id: MISSING_PROJECT } }, missing);
    // Another account's project does not exist for this account's administrator.
    const stranger = await createAccount(suite.server.context, {
      name: "stranger",
      password: "Stranger-Pass1",
      projectName: "local-1_stranger",
    });
    await refusedFor(
      admin,
      "/v2.0/networks",
      { network: { project_id: stranger.projectId } },
      `Project ${stranger.projectId} does not exist.`,
    );
    // One bad item refuses the whole bulk create.
    await refusedFor(
      admin,
      "/v2.0/networks",
      { networks: [{ name: "fine" }, { name: "bad", project_id: MISSING_PROJECT }] },
      missing,
    );
    await refusedFor(
      admin,
      "/v2.0/networks",
      { network: { project_id: suite.server.projectId, tenant_id: otherProjectId } },
      /^'project_id' and 'tenant_id' do not match$/,
    );
    const requiresAdmin = /other than the authenticated project in request requires admin privileges/;
    await refusedFor(member, "/v2.0/networks", { network: { project_id: suite.server.projectId } }, requiresAdmin);
    await refusedFor(
      member,
      "/v2.0/security-groups",
      { security_group: { tenant_id: suite.server.projectId } },
      requiresAdmin,
    );
  });
});
