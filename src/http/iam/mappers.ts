import { createHash } from "node:crypto";
import type { Project } from "../../domain/model.js";
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
      roles: [{ id: "0", name: "te_admin" }],
      ...(withCatalog ? { catalog: catalog(baseUrl, issued.project.name) } : {}),
    },
  };
}
