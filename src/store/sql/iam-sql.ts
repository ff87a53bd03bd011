import type { AccessKey, Account, GroupGrant, Project, User, UserGroup } from "../../domain/model.js";
import type { IamRepository } from "../repositories/iam.js";
import type { SqlContext } from "./context.js";
import type { SqlExecutor } from "./executor.js";
import { Query } from "./query.js";

type Row = Record<string, unknown>;

/**
 * Every change to who may do what (users, access keys, groups, memberships, grants, revoked tokens) bumps this one
 * counter in the same transaction, so a process may keep identity facts in memory and check them with one read.
 */
export async function bumpIdentityRevision(context: SqlContext): Promise<void> {
  await context.db.run("UPDATE identity_revision SET revision = revision + 1 WHERE id = 1");
  context.changes.identity = true;
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

function projectFromRow(row: Row): Project {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    description: String(row.description),
  };
}

export class IamSql implements IamRepository {
  constructor(private readonly context: SqlContext) {}

  private get db(): SqlExecutor {
    return this.context.db;
  }

  async insertAccount(account: Account): Promise<void> {
    await this.db.run("INSERT INTO accounts (id, name) VALUES (?, ?)", [account.id, account.name]);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const rows = await this.db.all<Row>("SELECT id, name FROM accounts WHERE id = ?", [id]);
    return rows[0] ? { id: String(rows[0].id), name: String(rows[0].name) } : undefined;
  }

  async getAccountByName(name: string): Promise<Account | undefined> {
    const rows = await this.db.all<Row>("SELECT id, name FROM accounts WHERE name = ?", [name]);
    return rows[0] ? { id: String(rows[0].id), name: String(rows[0].name) } : undefined;
  }

  async insertProject(project: Project): Promise<void> {
    await this.db.run("INSERT INTO projects (id, account_id, name, description) VALUES (?, ?, ?, ?)", [
      project.id,
      project.accountId,
      project.name,
      project.description,
    ]);
  }

  async getProject(id: string): Promise<Project | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM projects WHERE id = ?", [id]);
    return rows[0] ? projectFromRow(rows[0]) : undefined;
  }

  async getProjectByName(name: string): Promise<Project | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM projects WHERE name = ?", [name]);
    return rows[0] ? projectFromRow(rows[0]) : undefined;
  }

  async listProjects(accountId: string, filter: { name?: string; id?: string }): Promise<Project[]> {
    const query = new Query(this.context.dialect, "projects")
      .where("account_id = ?", accountId)
      .equal("name", filter.name)
      .equal("id", filter.id)
      .orderBy("name");
    return (await query.all(this.db)).map(projectFromRow);
  }

  async getUser(id: string): Promise<User | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM users WHERE id = ?", [id]);
    return rows[0] ? userFromRow(rows[0]) : undefined;
  }

  async getUserByName(accountId: string, name: string): Promise<User | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM users WHERE account_id = ? AND name = ?", [accountId, name]);
    return rows[0] ? userFromRow(rows[0]) : undefined;
  }

  async identityRevision(): Promise<number> {
    const rows = await this.db.all<Row>("SELECT revision FROM identity_revision WHERE id = 1");
    return Number(rows[0]?.revision ?? 0);
  }

  async insertUser(user: User): Promise<void> {
    await this.db.run(
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
    await bumpIdentityRevision(this.context);
  }

  async listUsers(accountId: string, filter: { name?: string; enabled?: boolean }): Promise<User[]> {
    const query = new Query(this.context.dialect, "users")
      .where("account_id = ?", accountId)
      .equal("name", filter.name)
      .equal("enabled", filter.enabled === undefined ? undefined : filter.enabled ? 1 : 0)
      .orderBy("name, id");
    return (await query.all(this.db)).map(userFromRow);
  }

  /** Replaces name, password hash, enabled and description. */
  async updateUser(user: User): Promise<void> {
    await this.db.run("UPDATE users SET name = ?, password_hash = ?, enabled = ?, description = ? WHERE id = ?", [
      user.name,
      user.passwordHash,
      user.enabled === false ? 0 : 1,
      user.description ?? "",
      user.id,
    ]);
    await bumpIdentityRevision(this.context);
  }

  /** The user, its access keys and its group memberships. */
  async deleteUser(id: string): Promise<void> {
    await this.db.run("DELETE FROM access_keys WHERE user_id = ?", [id]);
    await this.db.run("DELETE FROM group_members WHERE user_id = ?", [id]);
    await this.db.run("DELETE FROM users WHERE id = ?", [id]);
    await bumpIdentityRevision(this.context);
  }

  async insertAccessKey(key: AccessKey): Promise<void> {
    await this.db.run(
      `INSERT INTO access_keys (access_key, secret_key, user_id, status, description, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [key.accessKey, key.secretKey, key.userId, key.status ?? "active", key.description ?? "", key.createdAt ?? ""],
    );
    await bumpIdentityRevision(this.context);
  }

  async getAccessKey(accessKey: string): Promise<AccessKey | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM access_keys WHERE access_key = ?", [accessKey]);
    return rows[0] ? accessKeyFromRow(rows[0]) : undefined;
  }

  /** Keys listed (all, or one user's), ordered by key. */
  async listAccessKeys(userId?: string): Promise<AccessKey[]> {
    const query = new Query(this.context.dialect, "access_keys").equal("user_id", userId).orderBy("access_key");
    return (await query.all(this.db)).map(accessKeyFromRow);
  }

  async updateAccessKeySecret(accessKey: string, secretKey: string): Promise<void> {
    await this.db.run("UPDATE access_keys SET secret_key = ? WHERE access_key = ?", [secretKey, accessKey]);
    await bumpIdentityRevision(this.context);
  }

  /** Replaces status and description. */
  async updateAccessKey(key: AccessKey): Promise<void> {
    await this.db.run("UPDATE access_keys SET status = ?, description = ? WHERE access_key = ?", [
      key.status ?? "active",
      key.description ?? "",
      key.accessKey,
    ]);
    await bumpIdentityRevision(this.context);
  }

  async deleteAccessKey(accessKey: string): Promise<boolean> {
    const removed = (await this.db.run("DELETE FROM access_keys WHERE access_key = ?", [accessKey])) > 0;
    if (removed) await bumpIdentityRevision(this.context);
    return removed;
  }

  async insertGroup(group: UserGroup): Promise<void> {
    await this.db.run(
      "INSERT INTO user_groups (id, account_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
      [group.id, group.accountId, group.name, group.description, group.createdAt],
    );
    await bumpIdentityRevision(this.context);
  }

  async getGroup(id: string): Promise<UserGroup | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM user_groups WHERE id = ?", [id]);
    return rows[0] ? groupFromRow(rows[0]) : undefined;
  }

  async listGroups(accountId: string, filter: { name?: string }): Promise<UserGroup[]> {
    const query = new Query(this.context.dialect, "user_groups")
      .where("account_id = ?", accountId)
      .equal("name", filter.name)
      .orderBy("name, id");
    return (await query.all(this.db)).map(groupFromRow);
  }

  async listGroupsOfUser(userId: string): Promise<UserGroup[]> {
    const rows = await this.db.all<Row>(
      `SELECT g.* FROM user_groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name, g.id`,
      [userId],
    );
    return rows.map(groupFromRow);
  }

  /** Idempotent: a member added twice is a member once. */
  async addGroupMember(groupId: string, userId: string): Promise<void> {
    await this.db.run("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [groupId, userId]);
    await this.db.run("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)", [groupId, userId]);
    await bumpIdentityRevision(this.context);
  }

  /** Idempotent, like adding a member. */
  async grantRole(grant: GroupGrant): Promise<void> {
    await this.revokeRole(grant);
    await this.db.run("INSERT INTO group_grants (group_id, project_id, role_id) VALUES (?, ?, ?)", [
      grant.groupId,
      grant.projectId,
      grant.roleId,
    ]);
    await bumpIdentityRevision(this.context);
  }

  /** True when the grant existed. */
  async revokeRole(grant: GroupGrant): Promise<boolean> {
    const removed = await this.db.run(
      "DELETE FROM group_grants WHERE group_id = ? AND project_id = ? AND role_id = ?",
      [grant.groupId, grant.projectId, grant.roleId],
    );
    if (removed > 0) await bumpIdentityRevision(this.context);
    return removed > 0;
  }

  async hasGrant(grant: GroupGrant): Promise<boolean> {
    const rows = await this.db.all("SELECT 1 FROM group_grants WHERE group_id = ? AND project_id = ? AND role_id = ?", [
      grant.groupId,
      grant.projectId,
      grant.roleId,
    ]);
    return rows.length > 0;
  }

  /** Role ids the user holds on the project through its groups. */
  async rolesOfUserOnProject(userId: string, projectId: string): Promise<string[]> {
    const rows = await this.db.all<Row>(
      `SELECT DISTINCT g.role_id FROM group_grants g JOIN group_members m ON m.group_id = g.group_id
       WHERE m.user_id = ? AND g.project_id = ? ORDER BY g.role_id`,
      [userId, projectId],
    );
    return rows.map((row) => String(row.role_id));
  }

  /** Revoked until it would have expired anyway; expired revocations are dropped on the way. */
  async revokeToken(tokenHash: string, expiresAt: string, now: string): Promise<void> {
    await this.db.run("DELETE FROM revoked_tokens WHERE expires_at < ? OR token_hash = ?", [now, tokenHash]);
    await this.db.run("INSERT INTO revoked_tokens (token_hash, expires_at) VALUES (?, ?)", [tokenHash, expiresAt]);
    await bumpIdentityRevision(this.context);
  }

  async isTokenRevoked(tokenHash: string): Promise<boolean> {
    return (await this.db.all("SELECT 1 FROM revoked_tokens WHERE token_hash = ?", [tokenHash])).length > 0;
  }
}
