import type { SecurityGroup, SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupRepository } from "../repositories/security-groups.js";
import type { ReadOptions, SecurityGroupFilter, SecurityGroupRuleFilter } from "../types.js";
import type { SqlContext } from "./context.js";
import { memberPortsOf } from "./dataplane-sql.js";
import type { SqlExecutor } from "./executor.js";
import { insertMemberships } from "./port-writes.js";
import { Query } from "./query.js";
import { ruleFromRow } from "./rule-rows.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string => String(value ?? "");

/** Tables added after the first schema, in the order `dump()` lists them. */
export const SECURITY_GROUP_AND_EIP_TABLES: [string, string][] = [
  ["security_groups", "id"],
  ["security_group_rules", "id"],
  ["port_security_groups", "port_id, position"],
  ["eips", "id"],
];

function groupFromRow(row: Row): SecurityGroup {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    name: text(row.name),
    description: text(row.description),
    vpcId: text(row.vpc_id),
    revisionNumber: Number(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/** Port hydration reads group memberships with the port row (`groups_json`, port-rows.ts). */
export class SecurityGroupsSql implements SecurityGroupRepository {
  constructor(private readonly context: SqlContext) {}

  private get db(): SqlExecutor {
    return this.context.db;
  }

  /** Ports whose filtering a write changes go to the change feed, so the data plane follows them like a bind. */
  private touched(portIds: readonly string[]): void {
    for (const id of portIds) this.context.changes.ports.add(id);
  }

  async insertGroup(g: SecurityGroup, isDefault: boolean): Promise<void> {
    await this.db.run(
      `INSERT INTO security_groups (id, project_id, name, description, vpc_id, default_for_project, revision_number,
        created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        g.id,
        g.projectId,
        g.name,
        g.description,
        g.vpcId,
        isDefault ? g.projectId : null,
        g.revisionNumber,
        g.createdAt,
        g.updatedAt,
      ],
    );
  }

  async getGroup(id: string, options?: ReadOptions): Promise<SecurityGroup | undefined> {
    const row = await new Query(this.context.dialect, "security_groups")
      .where("id = ?", id)
      .forUpdate(options)
      .first(this.db);
    return row ? groupFromRow(row) : undefined;
  }

  async getDefaultGroup(projectId: string): Promise<SecurityGroup | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM security_groups WHERE default_for_project = ?", [projectId]);
    return rows[0] ? groupFromRow(rows[0]) : undefined;
  }

  async listGroups(projectId: string, filter: SecurityGroupFilter): Promise<SecurityGroup[]> {
    const query = new Query(this.context.dialect, "security_groups")
      .where("project_id = ?", projectId)
      .equal("name", filter.name)
      .equal("description", filter.description)
      .equal("vpc_id", filter.vpcId)
      .oneOf("id", filter.ids)
      .page(filter.page);
    return (await query.all(this.db)).map(groupFromRow);
  }

  async updateGroup(g: SecurityGroup): Promise<void> {
    await this.db.run(
      "UPDATE security_groups SET name = ?, description = ?, revision_number = ?, updated_at = ? WHERE id = ?",
      [g.name, g.description, g.revisionNumber, g.updatedAt, g.id],
    );
  }

  async deleteGroup(id: string): Promise<void> {
    this.touched(await memberPortsOf(this.db, id));
    await this.db.run("DELETE FROM security_group_rules WHERE security_group_id = ? OR remote_group_id = ?", [id, id]);
    await this.db.run("DELETE FROM security_groups WHERE id = ?", [id]);
  }

  async countPortsOfGroup(id: string): Promise<number> {
    const rows = await this.db.all<Row>("SELECT COUNT(*) AS n FROM port_security_groups WHERE security_group_id = ?", [
      id,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async insertRule(r: SecurityGroupRule): Promise<void> {
    this.touched(await memberPortsOf(this.db, r.securityGroupId));
    await this.db.run(
      `INSERT INTO security_group_rules (id, project_id, security_group_id, direction, ethertype, protocol,
        port_range_min, port_range_max, remote_ip_prefix, remote_group_id, description, revision_number, created_at,
        updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.projectId,
        r.securityGroupId,
        r.direction,
        r.ethertype,
        r.protocol,
        r.portRangeMin,
        r.portRangeMax,
        r.remoteIpPrefix,
        r.remoteGroupId,
        r.description,
        r.revisionNumber,
        r.createdAt,
        r.updatedAt,
      ],
    );
  }

  async getRule(id: string): Promise<SecurityGroupRule | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM security_group_rules WHERE id = ?", [id]);
    return rows[0] ? ruleFromRow(rows[0]) : undefined;
  }

  async listRules(projectId: string, filter: SecurityGroupRuleFilter): Promise<SecurityGroupRule[]> {
    const query = new Query(this.context.dialect, "security_group_rules")
      .where("project_id = ?", projectId)
      .equal("security_group_id", filter.securityGroupId)
      .equal("direction", filter.direction)
      .equal("ethertype", filter.ethertype)
      .equal("protocol", filter.protocol)
      .equal("remote_group_id", filter.remoteGroupId)
      .equal("remote_ip_prefix", filter.remoteIpPrefix)
      .equal("port_range_min", filter.portRangeMin)
      .equal("port_range_max", filter.portRangeMax)
      .oneOf("id", filter.ids)
      .page(filter.page);
    return (await query.all(this.db)).map(ruleFromRow);
  }

  async deleteRule(id: string): Promise<void> {
    const rule = await this.getRule(id);
    if (rule) this.touched(await memberPortsOf(this.db, rule.securityGroupId));
    await this.db.run("DELETE FROM security_group_rules WHERE id = ?", [id]);
  }

  async setPortGroups(portId: string, groupIds: string[]): Promise<void> {
    this.touched([portId]);
    await this.db.run("DELETE FROM port_security_groups WHERE port_id = ?", [portId]);
    await insertMemberships(this.db, portId, groupIds);
  }

  async detachPort(portId: string): Promise<void> {
    this.touched([portId]);
    await this.db.run("DELETE FROM port_security_groups WHERE port_id = ?", [portId]);
  }
}
