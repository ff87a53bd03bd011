import { createHash } from "node:crypto";
import { roleById, type SystemRole } from "../../domain/iam/roles.js";
import type { AccessKey, Project, User, UserGroup } from "../../domain/model.js";
import type { IssuedToken } from "../../usecases/iam/issue-token.js";

export function projectBody(project: Project, baseUrl: string) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    domain_id: project.accountId,
    parent_id: project.accountId,
    enabled: true,
    is_domain: false,
    links: { self: `${baseUrl}/v3/projects/${project.id}` },
  };
}

/** A stable 32-hex id for a catalog entry: the same service and region always get the same id. */
function catalogId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
}

/** The catalog points every service at this one server; the OpenStack client needs `network` and `identity`. */
function catalog(baseUrl: string, region: string) {
  const service = (type: string, name: string, url: string) => ({
    id: catalogId("service", type),
    type,
    name,
    endpoints: [{ id: catalogId("endpoint", type, region), interface: "public", region, region_id: region, url }],
  });
  return [
    service("identity", "iam", `${baseUrl}/v3`),
    service("network", "neutron", baseUrl),
    service("vpc", "vpc", baseUrl),
    service("ecs", "ecs", baseUrl),
  ];
}

export function tokenBody(issued: IssuedToken, baseUrl: string, withCatalog: boolean) {
  const domain = { id: issued.account.id, name: issued.account.name };
  return {
    token: {
      methods: ["password"],
      issued_at: issued.issuedAt,
      expires_at: issued.expiresAt,
      user: { id: issued.user.id, name: issued.user.name, domain, password_expires_at: "" },
      project: { id: issued.project.id, name: issued.project.name, domain },
      roles: issued.roleIds.flatMap((id) => {
        const role = roleById(id);
        return role ? [{ id: role.id, name: role.name }] : [];
      }),
      ...(withCatalog ? { catalog: catalog(baseUrl, issued.project.name) } : {}),
    },
  };
}

export function userBody(user: User, baseUrl: string) {
  return {
    id: user.id,
    name: user.name,
    domain_id: user.accountId,
    enabled: user.enabled !== false,
    description: user.description ?? "",
    links: { self: `${baseUrl}/v3/users/${user.id}` },
    password_expires_at: null,
    pwd_status: false,
    is_domain_owner: false,
    default_project_id: null,
    create_time: user.createdAt ?? "",
    email: "",
    areacode: "",
    phone: "",
    xuser_id: "",
    xuser_type: "",
    status: null,
  };
}

export function groupBody(group: UserGroup, baseUrl: string) {
  return {
    id: group.id,
    name: group.name,
    domain_id: group.accountId,
    description: group.description,
    links: { self: `${baseUrl}/v3/groups/${group.id}` },
    // Epoch milliseconds, as the list example shows.
    create_time: Date.parse(group.createdAt) || 0,
  };
}

export function roleBody(role: SystemRole, baseUrl: string) {
  return {
    id: role.id,
    name: role.name,
    display_name: role.displayName,
    description: role.description,
    description_cn: role.description,
    catalog: role.catalog,
    type: role.type,
    domain_id: null,
    ...(role.fineGrained ? { flag: "fine_grained" } : {}),
    links: { self: `${baseUrl}/v3/roles/${role.id}`, previous: null, next: null },
    policy: { Version: role.fineGrained ? "1.1" : "1.0", Statement: role.statements },
    updated_time: "1700000000000",
    created_time: "1700000000000",
  };
}

/** A permanent access key; the secret only in the answer to its creation. */
export function credentialBody(key: AccessKey, withSecret: boolean) {
  return {
    access: key.accessKey,
    user_id: key.userId,
    status: key.status ?? "active",
    description: key.description ?? "",
    create_time: key.createdAt ?? "",
    ...(withSecret ? { secret: key.secretKey } : {}),
  };
}
