import type { SecurityGroup, SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { ReadOptions, SecurityGroupFilter, SecurityGroupRuleFilter } from "../types.js";

/** Security groups, their rules and the ports that are members of them. */
export interface SecurityGroupRepository {
  /** `isDefault` marks the project's one `default` group (the schema allows one per project). */
  insertGroup(group: SecurityGroup, isDefault: boolean): Promise<void>;
  getGroup(id: string, options?: ReadOptions): Promise<SecurityGroup | undefined>;
  getDefaultGroup(projectId: string): Promise<SecurityGroup | undefined>;
  /** A project's groups by id. */
  listGroups(projectId: string, filter: SecurityGroupFilter): Promise<SecurityGroup[]>;
  /** Replaces name, description, revision and updated_at. */
  updateGroup(group: SecurityGroup): Promise<void>;
  /** Deletes the group, its rules and every rule of other groups naming it as remote group. */
  deleteGroup(id: string): Promise<void>;
  /** How many ports are members of the group. */
  countPortsOfGroup(id: string): Promise<number>;

  insertRule(rule: SecurityGroupRule): Promise<void>;
  getRule(id: string): Promise<SecurityGroupRule | undefined>;
  /** A project's rules by id. */
  listRules(projectId: string, filter: SecurityGroupRuleFilter): Promise<SecurityGroupRule[]>;
  deleteRule(id: string): Promise<void>;

  /** Makes the port a member of exactly these groups, in this order. */
  setPortGroups(portId: string, groupIds: string[]): Promise<void>;
  /** Removes the port from every group (part of removing a port). */
  detachPort(portId: string): Promise<void>;
}
