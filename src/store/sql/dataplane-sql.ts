import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { BoundEip } from "../store.js";
import type { SqlExecutor } from "./executor.js";
import { inList } from "./in-list.js";
import { ruleFromRow } from "./security-groups-sql.js";

type Row = Record<string, unknown>;

/** Every IPv4 security group rule of every project: what the data plane filters NICs with. */
export async function listWireRules(db: SqlExecutor): Promise<SecurityGroupRule[]> {
  const rows = await db.all<Row>("SELECT * FROM security_group_rules WHERE ethertype = 'IPv4' ORDER BY id");
  return rows.map(ruleFromRow);
}

/** Every EIP bound to a port, with its address: the 1:1 NAT the data plane lays on the wire. */
export async function listBoundEips(db: SqlExecutor): Promise<BoundEip[]> {
  const rows = await db.all<Row>(
    "SELECT public_ip_address, port_id FROM eips WHERE port_id IS NOT NULL ORDER BY public_ip_address",
  );
  return rows.map((row) => ({ publicIpAddress: String(row.public_ip_address), portId: String(row.port_id) }));
}

/** Ports that are members of the group (their filtering changes with the group's rules). */
export async function memberPortsOf(db: SqlExecutor, groupId: string): Promise<string[]> {
  const rows = await db.all<Row>("SELECT port_id FROM port_security_groups WHERE security_group_id = ?", [groupId]);
  return rows.map((row) => String(row.port_id));
}

/** The port an EIP is bound to now, if any. */
export async function portOfEip(db: SqlExecutor, eipId: string): Promise<string | undefined> {
  const rows = await db.all<Row>("SELECT port_id FROM eips WHERE id = ?", [eipId]);
  const portId = rows[0]?.port_id;
  return portId === null || portId === undefined ? undefined : String(portId);
}

/** The rows a change names, by id, whatever their project (the data plane's view). */
export async function rowsByIds(db: SqlExecutor, table: "servers" | "subnets", ids: readonly string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  const where = inList(db.dialect, "id", ids);
  return db.all<Row>(`SELECT * FROM ${table} WHERE ${where.sql} ORDER BY id`, [where.param]);
}

/** IPv4 rules of these groups. */
export async function rulesOfGroups(db: SqlExecutor, groupIds: readonly string[]): Promise<SecurityGroupRule[]> {
  if (groupIds.length === 0) return [];
  const where = inList(db.dialect, "security_group_id", groupIds);
  const rows = await db.all<Row>(
    `SELECT * FROM security_group_rules WHERE ethertype = 'IPv4' AND ${where.sql} ORDER BY id`,
    [where.param],
  );
  return rows.map(ruleFromRow);
}

/** EIPs bound to these ports. */
export async function eipsOfPorts(db: SqlExecutor, portIds: readonly string[]): Promise<BoundEip[]> {
  if (portIds.length === 0) return [];
  const where = inList(db.dialect, "port_id", portIds);
  const rows = await db.all<Row>(
    `SELECT public_ip_address, port_id FROM eips WHERE ${where.sql} ORDER BY public_ip_address`,
    [where.param],
  );
  return rows.map((row) => ({ publicIpAddress: String(row.public_ip_address), portId: String(row.port_id) }));
}
