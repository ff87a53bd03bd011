import type { SecurityGroup, SecurityGroupRule } from "../domain/security-groups/model.js";
import type { Page, ReadOptions } from "./store.js";

export interface SecurityGroupFilter {
  ids?: string[];
  name?: string;
  description?: string;
  vpcId?: string;
  page?: Page;
}

export interface SecurityGroupRuleFilter {
  ids?: string[];
  securityGroupId?: string;
  direction?: string;
  ethertype?: string;
  protocol?: string;
  remoteGroupId?: string;
  remoteIpPrefix?: string;
  portRangeMin?: number;
  portRangeMax?: number;
  page?: Page;
}

/** Security groups, their rules and the ports that are members of them. Part of `Tx`. */
export interface SecurityGroupTx {
  /** `isDefault` marks the project's one `default` group (the schema allows one per project). */
  insertSecurityGroup(group: SecurityGroup, isDefault: boolean): Promise<void>;
  getSecurityGroup(id: string, options?: ReadOptions): Promise<SecurityGroup | undefined>;
  getDefaultSecurityGroup(projectId: string): Promise<SecurityGroup | undefined>;
  /** A project's groups by id. */
  listSecurityGroups(projectId: string, filter: SecurityGroupFilter): Promise<SecurityGroup[]>;
  /** Replaces name, description, revision and updated_at. */
  updateSecurityGroup(group: SecurityGroup): Promise<void>;
  /** Deletes the group, its rules and every rule of other groups naming it as remote group. */
  deleteSecurityGroup(id: string): Promise<void>;
  /** How many ports are members of the group. */
  countSecurityGroupPorts(id: string): Promise<number>;

  insertSecurityGroupRule(rule: SecurityGroupRule): Promise<void>;
  getSecurityGroupRule(id: string): Promise<SecurityGroupRule | undefined>;
  /** A project's rules by id. */
  listSecurityGroupRules(projectId: string, filter: SecurityGroupRuleFilter): Promise<SecurityGroupRule[]>;
  deleteSecurityGroupRule(id: string): Promise<void>;

  /** Makes the port a member of exactly these groups, in this order. */
  setPortSecurityGroups(portId: string, groupIds: string[]): Promise<void>;
  /** Removes the port from every group (part of removing a port). */
  detachPortFromSecurityGroups(portId: string): Promise<void>;
}
