/**
 * The system roles and policies a group can be granted on a project, with the cloud's names, and how an action is
 * judged against them. Pure: no I/O. Actions are `service:resource:operation`; a pattern may use `*` anywhere in a
 * segment; resource and operation compare case-insensitively, as IAM's policy language says.
 */
export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string[];
}

export interface SystemRole {
  /** 32 hex characters, stable across stores (ecs-vip's own: the cloud's ids are not published). */
  id: string;
  /** Internal name (carried in tokens); display_name is what the console shows. */
  name: string;
  displayName: string;
  description: string;
  catalog: string;
  /** AA: account and project level; XA: project level. */
  type: "AA" | "XA";
  /** Fine-grained policies (Version 1.1) carry flag "fine_grained"; roles (1.0) do not. */
  fineGrained: boolean;
  statements: PolicyStatement[];
}

const role = (
  id: string,
  name: string,
  displayName: string,
  catalog: string,
  description: string,
  statements: PolicyStatement[],
  fineGrained: boolean,
): SystemRole => ({
  id,
  name,
  displayName,
  description,
  catalog,
  type: fineGrained ? "XA" : "AA",
  fineGrained,
  statements,
});

const READS = (service: string) => [`${service}:*:get*`, `${service}:*:list*`, `${service}:*:show*`];

export const TENANT_ADMINISTRATOR = "Tenant Administrator";

export const SYSTEM_ROLES: readonly SystemRole[] = [
  role(
    "e6d3c1b8a6f04f3c9d2a7b5e4c3d2a10",
    "te_admin",
    TENANT_ADMINISTRATOR,
    "BASE",
    "Tenant Administrator (Exclude IAM)",
    [
      { Effect: "Allow", Action: ["*:*:*"] },
      { Effect: "Deny", Action: ["iam:*:*"] },
    ],
    false,
  ),
  role(
    "b2a1c0d9e8f74a6b9c8d7e6f5a4b3c21",
    "readonly",
    "Tenant Guest",
    "BASE",
    "Tenant Guest (Exclude IAM)",
    [
      { Effect: "Allow", Action: ["*:*:get*", "*:*:list*", "*:*:show*"] },
      { Effect: "Deny", Action: ["iam:*:*"] },
    ],
    false,
  ),
  role(
    "c3b2a1f0e9d84c7b8a9f0e1d2c3b4a32",
    "secu_admin",
    "Security Administrator",
    "BASE",
    "IAM Administrator",
    [{ Effect: "Allow", Action: ["iam:*:*"] }],
    false,
  ),
  role(
    "d4c3b2a1f0e94d8c9b0a1f2e3d4c5b43",
    "system_all_ecs_full",
    "ECS FullAccess",
    "ECS",
    "Full permissions for Elastic Cloud Server.",
    [{ Effect: "Allow", Action: ["ecs:*:*", "evs:*:*", "ims:*:*", ...READS("vpc")] }],
    true,
  ),
  role(
    "e5d4c3b2a1f04e9d0c1b2a3f4e5d6c54",
    "system_all_ecs_readonly",
    "ECS ReadOnlyAccess",
    "ECS",
    "Read-only permissions for Elastic Cloud Server.",
    [{ Effect: "Allow", Action: [...READS("ecs"), ...READS("evs"), ...READS("vpc")] }],
    true,
  ),
  role(
    "f6e5d4c3b2a14f0e1d2c3b4a5f6e7d65",
    "system_all_vpc_full",
    "VPC FullAccess",
    "VPC",
    "Full permissions for Virtual Private Cloud.",
    [{ Effect: "Allow", Action: ["vpc:*:*"] }],
    true,
  ),
  role(
    "a7f6e5d4c3b240a1f2e3d4c5b6a7f876",
    "system_all_vpc_readonly",
    "VPC ReadOnlyAccess",
    "VPC",
    "Read-only permissions for Virtual Private Cloud.",
    [{ Effect: "Allow", Action: READS("vpc") }],
    true,
  ),
];

export function roleById(id: string): SystemRole | undefined {
  return SYSTEM_ROLES.find((r) => r.id === id);
}

export function roleByDisplayName(name: string): SystemRole | undefined {
  return SYSTEM_ROLES.find((r) => r.displayName === name);
}

function segmentMatches(pattern: string, value: string, caseSensitive: boolean): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, caseSensitive ? "" : "i").test(value);
}

/** Whether `pattern` (e.g. `vpc:*:get*`) covers `action` (e.g. `vpc:ports:get`). */
export function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.split(":");
  const a = action.split(":");
  if (p.length !== 3 || a.length !== 3) return false;
  return (
    segmentMatches(p[0] as string, a[0] as string, true) &&
    segmentMatches(p[1] as string, a[1] as string, false) &&
    segmentMatches(p[2] as string, a[2] as string, false)
  );
}

/** IAM's rule: an explicit Deny in any granted role wins, else any Allow grants, else the action is denied. */
export function rolesAllow(roleIds: readonly string[], action: string): boolean {
  const statements = roleIds.flatMap((id) => roleById(id)?.statements ?? []);
  const covers = (effect: "Allow" | "Deny") =>
    statements.some((s) => s.Effect === effect && s.Action.some((pattern) => actionMatches(pattern, action)));
  return !covers("Deny") && covers("Allow");
}
