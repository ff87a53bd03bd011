import type { AccessKey, Account, GroupGrant, Project, User, UserGroup } from "../../domain/model.js";

/**
 * Accounts, projects, users, access keys, groups, grants and revoked tokens. Every change of who may do what raises
 * one counter (`identityRevision`) in the same transaction.
 */
export interface IamRepository {
  insertAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  getAccountByName(name: string): Promise<Account | undefined>;

  insertProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  /** Project names are unique in the whole store. */
  getProjectByName(name: string): Promise<Project | undefined>;
  listProjects(accountId: string, filter: { name?: string; id?: string }): Promise<Project[]>;

  insertUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  getUserByName(accountId: string, name: string): Promise<User | undefined>;
  listUsers(accountId: string, filter: { name?: string; enabled?: boolean }): Promise<User[]>;
  /** Replaces name, password hash, enabled and description. */
  updateUser(user: User): Promise<void>;
  /** Deletes the user with its access keys and group memberships. */
  deleteUser(id: string): Promise<void>;

  insertAccessKey(key: AccessKey): Promise<void>;
  getAccessKey(accessKey: string): Promise<AccessKey | undefined>;
  /** All keys, or one user's, by key. */
  listAccessKeys(userId?: string): Promise<AccessKey[]>;
  /** Reseals a key's secret (under a new master key). */
  updateAccessKeySecret(accessKey: string, secretKey: string): Promise<void>;
  /** Replaces a key's status and description. */
  updateAccessKey(key: AccessKey): Promise<void>;
  /** True when the key existed. */
  deleteAccessKey(accessKey: string): Promise<boolean>;

  insertGroup(group: UserGroup): Promise<void>;
  getGroup(id: string): Promise<UserGroup | undefined>;
  listGroups(accountId: string, filter: { name?: string }): Promise<UserGroup[]>;
  listGroupsOfUser(userId: string): Promise<UserGroup[]>;
  /** Idempotent. */
  addGroupMember(groupId: string, userId: string): Promise<void>;
  /** Idempotent. */
  grantRole(grant: GroupGrant): Promise<void>;
  /** True when the grant existed. */
  revokeRole(grant: GroupGrant): Promise<boolean>;
  hasGrant(grant: GroupGrant): Promise<boolean>;
  /** Role ids the user holds on the project through its groups. */
  rolesOfUserOnProject(userId: string, projectId: string): Promise<string[]>;

  revokeToken(tokenHash: string, expiresAt: string, now: string): Promise<void>;
  isTokenRevoked(tokenHash: string): Promise<boolean>;
  /** A counter every change of users, keys, groups, memberships, grants or revoked tokens raises. */
  identityRevision(): Promise<number>;
}
