/**
 * The one table of what each route asks of its caller: the IAM action it performs (reference/permissions/*.rst, or
 * ecs-vip's choice where the pages are silent, marked "chosen"), or that it is public, open to any authenticated
 * caller (the use case then limits the caller to its own resources), or for the account's administrators only.
 * Keyed like OPERATIONS (`METHOD path` in Fastify's form); a HEAD route asks what its GET asks. A test checks that
 * every route of the app has its entry.
 */
import { type Envelope, ERRORS, type ErrorId } from "../../errors/registry.js";
import type { RouteErrors } from "../request-context.js";

export type RoutePermission =
  /** No credentials at all (`config.public`). */
  | { kind: "public" }
  /** Any authenticated caller; the use case lets a caller act on itself only (its own token, its own password). */
  | { kind: "self" }
  /** Members of the account's admin group only (ecs-vip's own endpoints). */
  | { kind: "admin" }
  /**
   * The caller's roles on its project must allow every action. With `self`, a caller may also act on its own
   * resources without the action (its own access keys): the route admits everyone and the use case asks.
   * With `byBody`, the action depends on the body (the batch server action: start, stop or reboot).
   */
  | { kind: "action"; actions: string[]; self?: boolean; byBody?: (body: unknown) => string | undefined };

const PUBLIC: RoutePermission = { kind: "public" };
const SELF: RoutePermission = { kind: "self" };
const ADMIN: RoutePermission = { kind: "admin" };
const act = (...actions: string[]): RoutePermission => ({ kind: "action", actions });
const actOrSelf = (action: string): RoutePermission => ({ kind: "action", actions: [action], self: true });

function powerAction(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if ("os-start" in body) return "ecs:cloudServers:start";
  if ("os-stop" in body) return "ecs:cloudServers:stop";
  if ("reboot" in body) return "ecs:cloudServers:reboot";
  return undefined;
}

export const PERMISSIONS: Record<string, RoutePermission> = {
  // IAM (actions: IAM's fine-grained ones; only Security Administrator and the admin group hold iam:*)
  "GET /": PUBLIC,
  "GET /v3": PUBLIC,
  "POST /v3/auth/tokens": PUBLIC,
  "GET /v3/auth/tokens": SELF,
  "DELETE /v3/auth/tokens": SELF,
  "GET /v3/ecs-vip/audit-records": ADMIN,
  "GET /v3/projects": act("iam:projects:listProjects"),
  "POST /v3/projects": act("iam:projects:createProject"),
  "GET /v3/projects/:project_id": act("iam:projects:getProject"),
  "GET /v3/users": act("iam:users:listUsers"),
  "POST /v3.0/OS-USER/users": act("iam:users:createUser"),
  "GET /v3/users/:user_id": actOrSelf("iam:users:getUser"),
  "PATCH /v3/users/:user_id": act("iam:users:updateUser"),
  "DELETE /v3/users/:user_id": act("iam:users:deleteUser"),
  "POST /v3/users/:user_id/password": SELF,
  "GET /v3/groups": act("iam:groups:listGroups"),
  "GET /v3/domains": act("iam:domains:listDomains"),
  "GET /v3/domains/:domain_id": act("iam:domains:getDomain"),
  "POST /v3/groups": act("iam:groups:createGroup"),
  "PUT /v3/groups/:group_id/users/:user_id": act("iam:groups:addUserToGroup"),
  "GET /v3/roles": act("iam:roles:listRoles"),
  "PUT /v3/projects/:project_id/groups/:group_id/roles/:role_id": act("iam:permissions:grantRoleToGroupOnProject"),
  "DELETE /v3/projects/:project_id/groups/:group_id/roles/:role_id": act(
    "iam:permissions:revokeRoleFromGroupOnProject",
  ),
  "HEAD /v3/projects/:project_id/groups/:group_id/roles/:role_id": act("iam:permissions:checkRoleForGroupOnProject"),
  "POST /v3.0/OS-CREDENTIAL/credentials": actOrSelf("iam:credentials:createCredential"),
  "GET /v3.0/OS-CREDENTIAL/credentials": actOrSelf("iam:credentials:listCredentials"),
  "GET /v3.0/OS-CREDENTIAL/credentials/:access_key": actOrSelf("iam:credentials:getCredential"),
  "PUT /v3.0/OS-CREDENTIAL/credentials/:access_key": actOrSelf("iam:credentials:updateCredential"),
  "DELETE /v3.0/OS-CREDENTIAL/credentials/:access_key": actOrSelf("iam:credentials:deleteCredential"),

  // VPC v1 (reference/permissions/vpc-v1-*.rst)
  "POST /v1/:project_id/vpcs": act("vpc:vpcs:create"),
  "GET /v1/:project_id/vpcs": act("vpc:vpcs:list"),
  "GET /v1/:project_id/vpcs/:vpc_id": act("vpc:vpcs:get"),
  "PUT /v1/:project_id/vpcs/:vpc_id": act("vpc:vpcs:update"),
  "DELETE /v1/:project_id/vpcs/:vpc_id": act("vpc:vpcs:delete"),
  "POST /v1/:project_id/subnets": act("vpc:subnets:create"),
  "GET /v1/:project_id/subnets": act("vpc:subnets:get"),
  "GET /v1/:project_id/subnets/:subnet_id": act("vpc:subnets:get"),
  "PUT /v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id": act("vpc:subnets:update"),
  "DELETE /v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id": act("vpc:subnets:delete"),
  "POST /v1/:project_id/privateips": act("vpc:privateIps:create"),
  "GET /v1/:project_id/subnets/:subnet_id/privateips": act("vpc:privateIps:list"),
  "GET /v1/:project_id/privateips/:privateip_id": act("vpc:privateIps:get"),
  "DELETE /v1/:project_id/privateips/:privateip_id": act("vpc:privateIps:delete"),
  // VPC v1 ports and quotas: chosen (the pages list Neutron's port actions; the v1 API uses the same)
  "POST /v1/:project_id/ports": act("vpc:ports:create"),
  "GET /v1/:project_id/ports": act("vpc:ports:get"),
  "GET /v1/:project_id/ports/:port_id": act("vpc:ports:get"),
  "PUT /v1/:project_id/ports/:port_id": act("vpc:ports:update"),
  "DELETE /v1/:project_id/ports/:port_id": act("vpc:ports:delete"),
  "GET /v1/:project_id/quotas": act("vpc:quotas:list"),
  "POST /v1/:project_id/security-groups": act("vpc:securityGroups:create"),
  "GET /v1/:project_id/security-groups": act("vpc:securityGroups:get"),
  "GET /v1/:project_id/security-groups/:security_group_id": act("vpc:securityGroups:get"),
  "DELETE /v1/:project_id/security-groups/:security_group_id": act("vpc:securityGroups:delete"),
  // The batch action adds ports to a group or takes them out: it changes ports (chosen).
  "POST /v1/:project_id/security-groups/:security_group_id/instance/action": act("vpc:ports:update"),
  "POST /v2.0/:project_id/security-groups/:security_group_id/instance/action": act("vpc:ports:update"),
  // Security group rules: chosen, after the groups' own actions
  "POST /v1/:project_id/security-group-rules": act("vpc:securityGroupRules:create"),
  "GET /v1/:project_id/security-group-rules": act("vpc:securityGroupRules:get"),
  "GET /v1/:project_id/security-group-rules/:rule_id": act("vpc:securityGroupRules:get"),
  "DELETE /v1/:project_id/security-group-rules/:rule_id": act("vpc:securityGroupRules:delete"),
  "POST /v1/:project_id/publicips": act("vpc:publicIps:create"),
  "GET /v1/:project_id/publicips": act("vpc:publicIps:list"),
  "GET /v1/:project_id/publicips/:publicip_id": act("vpc:publicIps:get"),
  "PUT /v1/:project_id/publicips/:publicip_id": act("vpc:publicIps:update"),
  "DELETE /v1/:project_id/publicips/:publicip_id": act("vpc:publicIps:delete"),

  // Neutron v2.0 (reference/permissions/neutron-port.rst; networks, extensions, groups, floating IPs: chosen)
  "GET /v2.0/ports": act("vpc:ports:get"),
  "GET /v2.0/ports/:port_id": act("vpc:ports:get"),
  "POST /v2.0/ports": act("vpc:ports:create"),
  "PUT /v2.0/ports/:port_id": act("vpc:ports:update"),
  "DELETE /v2.0/ports/:port_id": act("vpc:ports:delete"),
  "GET /v2.0/networks": act("vpc:networks:get"),
  "GET /v2.0/networks/:network_id": act("vpc:networks:get"),
  "POST /v2.0/networks": act("vpc:networks:create"),
  "PUT /v2.0/networks/:network_id": act("vpc:networks:update"),
  "DELETE /v2.0/networks/:network_id": act("vpc:networks:delete"),
  "GET /v2.0/subnets": act("vpc:subnets:get"),
  "GET /v2.0/subnets/:subnet_id": act("vpc:subnets:get"),
  "POST /v2.0/subnets": act("vpc:subnets:create"),
  "PUT /v2.0/subnets/:subnet_id": act("vpc:subnets:update"),
  "DELETE /v2.0/subnets/:subnet_id": act("vpc:subnets:delete"),
  "GET /v2.0/extensions": act("vpc:extensions:list"),
  "GET /v2.0/extensions/:alias": act("vpc:extensions:get"),
  "POST /v2.0/security-groups": act("vpc:securityGroups:create"),
  "GET /v2.0/security-groups": act("vpc:securityGroups:get"),
  "GET /v2.0/security-groups/:id": act("vpc:securityGroups:get"),
  "PUT /v2.0/security-groups/:id": act("vpc:securityGroups:update"),
  "DELETE /v2.0/security-groups/:id": act("vpc:securityGroups:delete"),
  "POST /v2.0/security-group-rules": act("vpc:securityGroupRules:create"),
  "GET /v2.0/security-group-rules": act("vpc:securityGroupRules:get"),
  "GET /v2.0/security-group-rules/:id": act("vpc:securityGroupRules:get"),
  "DELETE /v2.0/security-group-rules/:id": act("vpc:securityGroupRules:delete"),
  "POST /v2.0/floatingips": act("vpc:floatingIps:create"),
  "GET /v2.0/floatingips": act("vpc:floatingIps:list"),
  "GET /v2.0/floatingips/:id": act("vpc:floatingIps:get"),
  "PUT /v2.0/floatingips/:id": act("vpc:floatingIps:update"),
  "DELETE /v2.0/floatingips/:id": act("vpc:floatingIps:delete"),
  "GET /v2.0": act("vpc:versions:get"),
  // Routers are VPCs (the ECS pages name vpc:routers:get/update).
  "POST /v2.0/routers": act("vpc:routers:create"),
  "GET /v2.0/routers": act("vpc:routers:list"),
  "GET /v2.0/routers/:router_id": act("vpc:routers:get"),
  "PUT /v2.0/routers/:router_id": act("vpc:routers:update"),
  "DELETE /v2.0/routers/:router_id": act("vpc:routers:delete"),
  "PUT /v2.0/routers/:router_id/add_router_interface": act("vpc:routers:addRouterInterface"),
  "PUT /v2.0/routers/:router_id/remove_router_interface": act("vpc:routers:removeRouterInterface"),

  // ECS (reference/permissions/ecs-*.rst). The seed API's page is silent: ecs:cloudServerNics:update is chosen
  // (it changes a NIC's attributes, like the NIC pages' ecs:cloudServerNics:* actions). Jobs, limits and the batch
  // power action: chosen.
  "PUT /v1/:project_id/cloudservers/nics/:nic_id": act("ecs:cloudServerNics:update"),
  "POST /v1/:project_id/cloudservers": act("ecs:cloudServers:createServers"),
  "POST /v1.1/:project_id/cloudservers": act("ecs:cloudServers:createServers"),
  "GET /v1/:project_id/jobs/:job_id": act("ecs:jobs:get"),
  "GET /v1/:project_id/cloudservers/detail": act("ecs:cloudServers:list"),
  "GET /v1/:project_id/cloudservers/:server_id": act("ecs:cloudServers:showServer"),
  "GET /v1/:project_id/cloudservers/:server_id/os-interface": act("ecs:cloudServers:listServerInterfaces"),
  "POST /v1/:project_id/cloudservers/:server_id/nics": act("ecs:cloudServers:addNics"),
  "POST /v1/:project_id/cloudservers/:server_id/nics/delete": act("ecs:cloudServerNics:delete"),
  "POST /v1/:project_id/cloudservers/action": {
    kind: "action",
    actions: ["ecs:cloudServers:start", "ecs:cloudServers:stop", "ecs:cloudServers:reboot"],
    byBody: powerAction,
  },
  "POST /v1/:project_id/cloudservers/delete": act("ecs:cloudServers:deleteServers"),
  "GET /v1/:project_id/cloudservers/limits": act("ecs:quotas:get"),

  // The console draws the project's networks and servers: both reads (chosen).
  "GET /console": PUBLIC,
  "GET /console/assets/:name": PUBLIC,
  "GET /console/api/topology": act("vpc:vpcs:list", "ecs:cloudServers:list"),
  "GET /console/api/events": act("vpc:vpcs:list", "ecs:cloudServers:list"),

  // Operations and fault injection (ecs-vip's own)
  "GET /openapi.json": PUBLIC,
  "GET /docs": PUBLIC,
  "GET /healthz": PUBLIC,
  "GET /readyz": PUBLIC,
  "GET /metrics": PUBLIC,
  "GET /ecs-vip/v1/faults": ADMIN,
  "POST /ecs-vip/v1/faults": ADMIN,
  "DELETE /ecs-vip/v1/faults": ADMIN,
  "DELETE /ecs-vip/v1/faults/:rule_id": ADMIN,
};

/** A refusal in the route's own service envelope (found from the route's own error for invalid input). */
const DENIED: Record<Envelope, ErrorId> = {
  ecs: "ecsForbidden",
  vpc: "vpcPolicyDenied",
  neutron: "neutronPolicyDenied",
  iam: "iamPolicyDenied",
  apigw: "forbidden",
};

export function deniedErrorOf(config: { errors?: RouteErrors } | undefined): ErrorId {
  return DENIED[ERRORS[config?.errors?.invalid ?? "malformedRequest"].envelope];
}

/** The route's entry; HEAD falls back to its GET twin. Undefined for a route missing from the table. */
export function permissionOf(method: string, url: string): RoutePermission | undefined {
  return PERMISSIONS[`${method} ${url}`] ?? (method === "HEAD" ? PERMISSIONS[`GET ${url}`] : undefined);
}

/** The actions a request needs: every listed one, or the one its body names. */
export function actionsOf(permission: RoutePermission & { kind: "action" }, body: unknown): string[] {
  const chosen = permission.byBody?.(body);
  return chosen !== undefined ? [chosen] : permission.actions;
}
