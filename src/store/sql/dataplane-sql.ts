import type { SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { BoundEip, WireSlice } from "../types.js";
import type { Row, SqlContext } from "./context.js";
import type { SqlExecutor } from "./executor.js";
import { hydratedPortColumns, hydratePorts } from "./port-rows.js";
import { serverFromRow, subnetFromRow } from "./rows.js";
import { ruleFromRow } from "./rule-rows.js";

/** The data plane's reads: what it lays on the wire beyond subnets, servers and ports, and one change's slice. */

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
  return rows.map(boundEip);
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

const boundEip = (row: Row): BoundEip => ({
  publicIpAddress: String(row.public_ip_address),
  portId: String(row.port_id),
});

/** Rows whose `column` is one of `values` (none when there are none). */
async function rowsWhereIn(context: SqlContext, select: string, column: string, values: readonly string[]) {
  if (values.length === 0) return [];
  const list = context.dialect.inList(column, values);
  return context.db.all<Row>(`${select} WHERE ${list.sql}`, [list.param]);
}

/** See `WireSlice`: a handful of indexed reads whatever the size of the store. */
export async function readWireSlice(
  context: SqlContext,
  ids: { ports: string[]; servers: string[]; subnets: string[] },
): Promise<WireSlice> {
  const portsWhere = (column: string, values: readonly string[]) =>
    rowsWhereIn(context, `SELECT ${hydratedPortColumns(context.dialect)} FROM ports`, column, values).then((rows) =>
      hydratePorts(context.dialect, rows),
    );
  const named = await portsWhere("id", ids.ports);
  const serverIds = [...new Set([...ids.servers, ...named.filter((p) => p.nicIndex !== null).map((p) => p.deviceId)])];
  const nics = (await portsWhere("device_id", serverIds)).filter((port) => port.nicIndex !== null);
  const ports = [...new Map([...named, ...nics].map((port) => [port.id, port])).values()];
  const portIds = [...new Set([...ids.ports, ...nics.map((port) => port.id)])];
  const groupIds = [...new Set(ports.flatMap((port) => port.securityGroupIds))];
  return {
    serverIds,
    portIds,
    subnetIds: ids.subnets,
    groupIds,
    servers: (await rowsWhereIn(context, "SELECT * FROM servers", "id", serverIds)).map(serverFromRow),
    ports,
    subnets: (await rowsWhereIn(context, "SELECT * FROM subnets", "id", ids.subnets)).map(subnetFromRow),
    rules: (await rowsWhereIn(context, "SELECT * FROM security_group_rules", "security_group_id", groupIds))
      .map(ruleFromRow)
      .filter((rule) => rule.ethertype === "IPv4"),
    eips: (await rowsWhereIn(context, "SELECT public_ip_address, port_id FROM eips", "port_id", portIds)).map(boundEip),
  };
}
