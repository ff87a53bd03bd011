import type { AccessKey, GroupGrant, User, UserGroup } from "../../domain/model.js";
import type { SqlExecutor } from "./executor.js";

type Row = Record<string, unknown>;

/**
 * Every change to who may do what (users, access keys, groups, memberships, grants, revoked tokens) bumps this one
 * counter in the same transaction, so a process may keep identity facts in memory and check them with one read.
 */
export async function bumpIdentityRevision(db: SqlExecutor): Promise<void> {
  await db.run("UPDATE identity_revision SET revision = revision + 1 WHERE id = 1");
}

export async function identityRevision(db: SqlExecutor): Promise<number> {
  const rows = await db.all<Row>("SELECT revision FROM identity_revision WHERE id = 1");
  return Number(rows[0]?.revision ?? 0);
}

/** Identity tables in the order `dump` lists them (after accounts, users, projects and access_keys). */
export const IAM_TABLES: [string, string][] = [
  ["user_groups", "id"],
  ["group_members", "group_id, user_id"],
  ["group_grants", "group_id, project_id, role_id"],
];

export function userFromRow(row: Row): User {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    passwordHash: String(row.password_hash),
    enabled: Number(row.enabled ?? 1) === 1,
    description: String(row.description ?? ""),
    createdAt: String(row.created_at ?? ""),
  };
}

export function accessKeyFromRow(row: Row): AccessKey {
  return {
    accessKey: String(row.access_key),
    secretKey: String(row.secret_key),
    userId: String(row.user_id),
    status: row.status === "inactive" ? "inactive" : "active",
    description: String(row.description ?? ""),
    createdAt: String(row.created_at ?? ""),
  };
}

function groupFromRow(row: Row): UserGroup {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    description: String(row.description),
    createdAt: String(row.created_at),
  };
}

export async function insertUser(db: SqlExecutor, user: User): Promise<void> {
  await db.run(
    `INSERT INTO users (id, account_id, name, password_hash, enabled, description, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      user.id,
      user.accountId,
      user.name,
      user.passwordHash,
      user.enabled === false ? 0 : 1,
      user.description ?? "",
      user.createdAt ?? "",
    ],
  );
  await bumpIdentityRevision(db);
}

export async function listUsers(
  db: SqlExecutor,
  accountId: string,
  filter: { name?: string; enabled?: boolean },
): Promise<User[]> {
  const params: unknown[] = [accountId];
  let sql = "SELECT * FROM users WHERE account_id = ?";
  if (filter.name !== undefined) {
    sql += " AND name = ?";
    params.push(filter.name);
  }
  if (filter.enabled !== undefined) {
    sql += " AND enabled = ?";
    params.push(filter.enabled ? 1 : 0);
  }
  return (await db.all<Row>(`${sql} ORDER BY name, id`, params)).map(userFromRow);
}

/** Replaces name, password hash, enabled and description. */
export async function updateUser(db: SqlExecutor, user: User): Promise<void> {
  await db.run("UPDATE users SET name = ?, password_hash = ?, enabled = ?, description = ? WHERE id = ?", [
    user.name,
    user.passwordHash,
    user.enabled === false ? 0 : 1,
    user.description ?? "",
    user.id,
  ]);
  await bumpIdentityRevision(db);
}

/** The user, its access keys and its group memberships. */
export async function deleteUser(db: SqlExecutor, id: string): Promise<void> {
  await db.run("DELETE FROM access_keys WHERE user_id = ?", [id]);
  await db.run("DELETE FROM group_members WHERE user_id = ?", [id]);
  await db.run("DELETE FROM users WHERE id = ?", [id]);
  await bumpIdentityRevision(db);
}

export async function insertAccessKey(db: SqlExecutor, key: AccessKey): Promise<void> {
  await db.run(
    `INSERT INTO access_keys (access_key, secret_key, user_id, status, description, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [key.accessKey, key.secretKey, key.userId, key.status ?? "active", key.description ?? "", key.createdAt ?? ""],
  );
  await bumpIdentityRevision(db);
}

export async function getAccessKey(db: SqlExecutor, accessKey: string): Promise<AccessKey | undefined> {
  const rows = await db.all<Row>("SELECT * FROM access_keys WHERE access_key = ?", [accessKey]);
  return rows[0] ? accessKeyFromRow(rows[0]) : undefined;
}

/** Keys listed (all, or one user's), ordered by key. */
export async function listAccessKeys(db: SqlExecutor, userId?: string): Promise<AccessKey[]> {
  const rows = await db.all<Row>(
    `SELECT * FROM access_keys${userId === undefined ? "" : " WHERE user_id = ?"} ORDER BY access_key`,
    userId === undefined ? [] : [userId],
  );
  return rows.map(accessKeyFromRow);
}

export async function updateAccessKeySecret(db: SqlExecutor, accessKey: string, secretKey: string): Promise<void> {
  await db.run("UPDATE access_keys SET secret_key = ? WHERE access_key = ?", [secretKey, accessKey]);
  await bumpIdentityRevision(db);
}

/** Replaces status and description. */
export async function updateAccessKey(db: SqlExecutor, key: AccessKey): Promise<void> {
  await db.run("UPDATE access_keys SET status = ?, description = ? WHERE access_key = ?", [
    key.status ?? "active",
    key.description ?? "",
    key.accessKey,
  ]);
  await bumpIdentityRevision(db);
}

export async function deleteAccessKey(db: SqlExecutor, accessKey: string): Promise<boolean> {
  const removed = (await db.run("DELETE FROM access_keys WHERE access_key = ?", [accessKey])) > 0;
  if (removed) await bumpIdentityRevision(db);
  return removed;
}

export async function insertGroup(db: SqlExecutor, group: UserGroup): Promise<void> {
  await db.run("INSERT INTO user_groups (id, account_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)", [
    group.id,
    group.accountId,
    group.name,
    group.description,
    group.createdAt,
  ]);
  await bumpIdentityRevision(db);
}

export async function getGroup(db: SqlExecutor, id: string): Promise<UserGroup | undefined> {
  const rows = await db.all<Row>("SELECT * FROM user_groups WHERE id = ?", [id]);
  return rows[0] ? groupFromRow(rows[0]) : undefined;
}

export async function listGroups(db: SqlExecutor, accountId: string, filter: { name?: string }): Promise<UserGroup[]> {
  const params: unknown[] = [accountId];
  let sql = "SELECT * FROM user_groups WHERE account_id = ?";
  if (filter.name !== undefined) {
    sql += " AND name = ?";
    params.push(filter.name);
  }
  return (await db.all<Row>(`${sql} ORDER BY name, id`, params)).map(groupFromRow);
}

export async function listGroupsOfUser(db: SqlExecutor, userId: string): Promise<UserGroup[]> {
  const rows = await db.all<Row>(
    `SELECT g.* FROM user_groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name, g.id`,
    [userId],
  );
  return rows.map(groupFromRow);
}

/** Idempotent: a member added twice is a member once. */
export async function addGroupMember(db: SqlExecutor, groupId: string, userId: string): Promise<void> {
  await db.run("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [groupId, userId]);
  await db.run("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)", [groupId, userId]);
  await bumpIdentityRevision(db);
}

/** Idempotent, like adding a member. */
export async function grantRole(db: SqlExecutor, grant: GroupGrant): Promise<void> {
  await revokeRole(db, grant);
  await db.run("INSERT INTO group_grants (group_id, project_id, role_id) VALUES (?, ?, ?)", [
    grant.groupId,
    grant.projectId,
    grant.roleId,
  ]);
  await bumpIdentityRevision(db);
}

/** True when the grant existed. */
export async function revokeRole(db: SqlExecutor, grant: GroupGrant): Promise<boolean> {
  const removed = await db.run("DELETE FROM group_grants WHERE group_id = ? AND project_id = ? AND role_id = ?", [
    grant.groupId,
    grant.projectId,
    grant.roleId,
  ]);
  if (removed > 0) await bumpIdentityRevision(db);
  return removed > 0;
}

export async function hasGrant(db: SqlExecutor, grant: GroupGrant): Promise<boolean> {
  const rows = await db.all("SELECT 1 FROM group_grants WHERE group_id = ? AND project_id = ? AND role_id = ?", [
    grant.groupId,
    grant.projectId,
    grant.roleId,
  ]);
  return rows.length > 0;
}

/** Role ids the user holds on the project through its groups. */
export async function rolesOfUserOnProject(db: SqlExecutor, userId: string, projectId: string): Promise<string[]> {
  const rows = await db.all<Row>(
    `SELECT DISTINCT g.role_id FROM group_grants g JOIN group_members m ON m.group_id = g.group_id
     WHERE m.user_id = ? AND g.project_id = ? ORDER BY g.role_id`,
    [userId, projectId],
  );
  return rows.map((row) => String(row.role_id));
}

/** Revoked until it would have expired anyway; expired revocations are dropped on the way. */
export async function revokeToken(db: SqlExecutor, tokenHash: string, expiresAt: string, now: string): Promise<void> {
  await db.run("DELETE FROM revoked_tokens WHERE expires_at < ? OR token_hash = ?", [now, tokenHash]);
  await db.run("INSERT INTO revoked_tokens (token_hash, expires_at) VALUES (?, ?)", [tokenHash, expiresAt]);
  await bumpIdentityRevision(db);
}

export async function isTokenRevoked(db: SqlExecutor, tokenHash: string): Promise<boolean> {
  return (await db.all("SELECT 1 FROM revoked_tokens WHERE token_hash = ?", [tokenHash])).length > 0;
}
