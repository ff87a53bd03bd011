import type { Direction, Ethertype, SecurityGroup, SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { SecurityGroupFilter, SecurityGroupRuleFilter, SecurityGroupTx } from "../security-groups.js";
import type { ReadOptions } from "../store.js";
import { memberPortsOf } from "./dataplane-sql.js";
import { EipSql } from "./eips-sql.js";
import { Where } from "./where.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string => String(value ?? "");
const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const nullableInt = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const _CHUNK = 400;

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

export function ruleFromRow(row: Row): SecurityGroupRule {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    securityGroupId: text(row.security_group_id),
    direction: text(row.direction) as Direction,
    ethertype: text(row.ethertype) as Ethertype,
    protocol: nullableText(row.protocol),
    portRangeMin: nullableInt(row.port_range_min),
    portRangeMax: nullableInt(row.port_range_max),
    remoteIpPrefix: nullableText(row.remote_ip_prefix),
    remoteGroupId: nullableText(row.remote_group_id),
    description: text(row.description),
    revisionNumber: Number(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/**
 * The SQL of security groups, composed into `SqlTx` as a base class so the `Tx` interface stays one object.
 * Port hydration reads group memberships with the port row (`groups_json` in sql-tx.ts).
 */
export class SecurityGroupSql extends EipSql implements SecurityGroupTx {
  async insertSecurityGroup(g: SecurityGroup, isDefault: boolean): Promise<void> {
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

  async getSecurityGroup(id: string, options?: ReadOptions): Promise<SecurityGroup | undefined> {
    const rows = await this.db.all<Row>(`SELECT * FROM security_groups WHERE id = ?${this.rowLock(options)}`, [id]);
    return rows[0] ? groupFromRow(rows[0]) : undefined;
  }

  async getDefaultSecurityGroup(projectId: string): Promise<SecurityGroup | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM security_groups WHERE default_for_project = ?", [projectId]);
    return rows[0] ? groupFromRow(rows[0]) : undefined;
  }

  async listSecurityGroups(projectId: string, filter: SecurityGroupFilter): Promise<SecurityGroup[]> {
    const where = new Where(projectId, this.db.dialect)
      .equal("name", filter.name)
      .equal("description", filter.description)
      .equal("vpc_id", filter.vpcId)
      .ids(filter.ids);
    if (where.empty) return [];
    const sql = `SELECT * FROM security_groups${where.page(filter.page)}`;
    return (await this.db.all<Row>(sql, where.params)).map(groupFromRow);
  }

  async updateSecurityGroup(g: SecurityGroup): Promise<void> {
    await this.db.run(
      "UPDATE security_groups SET name = ?, description = ?, revision_number = ?, updated_at = ? WHERE id = ?",
      [g.name, g.description, g.revisionNumber, g.updatedAt, g.id],
    );
  }

  async deleteSecurityGroup(id: string): Promise<void> {
    this.touchedPorts(await memberPortsOf(this.db, id));
    await this.db.run("DELETE FROM security_group_rules WHERE security_group_id = ? OR remote_group_id = ?", [id, id]);
    await this.db.run("DELETE FROM security_groups WHERE id = ?", [id]);
  }

  async countSecurityGroupPorts(id: string): Promise<number> {
    const rows = await this.db.all<Row>("SELECT COUNT(*) AS n FROM port_security_groups WHERE security_group_id = ?", [
      id,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async insertSecurityGroupRule(r: SecurityGroupRule): Promise<void> {
    this.touchedPorts(await memberPortsOf(this.db, r.securityGroupId));
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

  async getSecurityGroupRule(id: string): Promise<SecurityGroupRule | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM security_group_rules WHERE id = ?", [id]);
    return rows[0] ? ruleFromRow(rows[0]) : undefined;
  }

  async listSecurityGroupRules(projectId: string, filter: SecurityGroupRuleFilter): Promise<SecurityGroupRule[]> {
    const where = new Where(projectId, this.db.dialect)
      .equal("security_group_id", filter.securityGroupId)
      .equal("direction", filter.direction)
      .equal("ethertype", filter.ethertype)
      .equal("protocol", filter.protocol)
      .equal("remote_group_id", filter.remoteGroupId)
      .equal("remote_ip_prefix", filter.remoteIpPrefix)
      .equal("port_range_min", filter.portRangeMin)
      .equal("port_range_max", filter.portRangeMax)
      .ids(filter.ids);
    if (where.empty) return [];
    const sql = `SELECT * FROM security_group_rules${where.page(filter.page)}`;
    return (await this.db.all<Row>(sql, where.params)).map(ruleFromRow);
  }

  async deleteSecurityGroupRule(id: string): Promise<void> {
    const rule = await this.getSecurityGroupRule(id);
    if (rule) this.touchedPorts(await memberPortsOf(this.db, rule.securityGroupId));
    await this.db.run("DELETE FROM security_group_rules WHERE id = ?", [id]);
  }

  async setPortSecurityGroups(portId: string, groupIds: string[]): Promise<void> {
    this.touchedPorts([portId]);
    await this.db.run("DELETE FROM port_security_groups WHERE port_id = ?", [portId]);
    await this.insertPortSecurityGroups(portId, groupIds);
  }

  async detachPortFromSecurityGroups(portId: string): Promise<void> {
    this.touchedPorts([portId]);
    await this.db.run("DELETE FROM port_security_groups WHERE port_id = ?", [portId]);
  }

  protected async insertPortSecurityGroups(portId: string, groupIds: string[]): Promise<void> {
    for (const [position, groupId] of groupIds.entries()) {
      await this.db.run("INSERT INTO port_security_groups (port_id, security_group_id, position) VALUES (?, ?, ?)", [
        portId,
        groupId,
        position,
      ]);
    }
  }
}
