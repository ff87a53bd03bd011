import type { AddressPair, Port } from "../../domain/model.js";
import type { PortChange } from "../repositories/ports.js";
import type { Dialect } from "./dialect.js";
import type { SqlExecutor } from "./executor.js";
import { PORT_COLUMNS } from "./port-rows.js";

/** Whether no (IP, MAC) pair repeats: the unique key of address_pairs. */
export function pairsAreDistinct(pairs: readonly AddressPair[]): boolean {
  return new Set(pairs.map((pair) => `${pair.ipAddress} ${pair.macAddress}`)).size === pairs.length;
}

/** Rows of address_pairs as [port id, IP, MAC, position], for one of the statements below. */
type PairRow = [string, string, string, number];

/** Rows one multi-row statement carries at most: a few statement shapes (each prepared once), however many rows. */
const ROWS_PER_STATEMENT = 8;

/**
 * Sends `rows` as multi-row VALUES lists, at most ROWS_PER_STATEMENT a statement: `sql` gets the list. Plain
 * parameters, not a JSON array: on SQLite, where a statement costs no round trip, parsing JSON costs more than a
 * second statement would.
 */
async function runWithValues(db: SqlExecutor, rows: readonly unknown[][], sql: (values: string) => string) {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values = chunk.map((row) => `(${row.map(() => "?").join(", ")})`).join(", ");
    await db.run(sql(values), chunk.flat());
  }
}

const insertPairRows = (db: SqlExecutor, rows: PairRow[]) =>
  runWithValues(
    db,
    rows,
    (values) => `INSERT INTO address_pairs (port_id, ip_address, mac_address, position) VALUES ${values}`,
  );

/** A new port's pairs, in their order. */
export function insertPairs(db: SqlExecutor, portId: string, pairs: readonly AddressPair[]) {
  return insertPairRows(
    db,
    pairs.map((pair, position): PairRow => [portId, pair.ipAddress, pair.macAddress, position]),
  );
}

/** The columns of a port row that change after its creation; its id last. */
export const UPDATE_PORT = `UPDATE ports SET name = ?, description = ?, device_owner = ?, device_id = ?, status = ?,
  admin_state_up = ?, nic_index = ?, revision_number = ?, updated_at = ?, port_security_enabled = ?,
  extra_dhcp_opts = ?, binding_profile = ? WHERE id = ?`;

export function updatePortParams(port: Port): unknown[] {
  return [
    port.name,
    port.description,
    port.deviceOwner,
    port.deviceId,
    port.status,
    port.adminStateUp ? 1 : 0,
    port.nicIndex,
    port.revisionNumber,
    port.updatedAt,
    port.portSecurityEnabled ? 1 : 0,
    JSON.stringify(port.extraDhcpOpts ?? []),
    JSON.stringify(port.bindingProfile ?? {}),
    port.id,
  ];
}

const pairKey = (pair: AddressPair) => `${pair.ipAddress} ${pair.macAddress}`;

/**
 * SQLite: ports read in this unit of work written as they are to be: each row by one UPDATE, then the pairs by
 * difference against `before` (deleted, moved to their new position, inserted), each kind one statement for up to
 * eight pairs of all the ports, and only when there is some. A bind appends a pair to each side (three statements
 * in all); an unbind drops one (one UPDATE a port and one DELETE). Each change must have distinct pairs.
 */
export async function writePortChanges(db: SqlExecutor, changes: readonly PortChange[]): Promise<void> {
  if (changes.length === 0) return;
  // One plain UPDATE a port: on SQLite cheaper than one UPDATE … FROM (VALUES …) for all (a join it materializes).
  for (const { after } of changes) await db.run(UPDATE_PORT, updatePortParams(after));
  const dropped: PairRow[] = [];
  const moved: PairRow[] = [];
  const added: PairRow[] = [];
  for (const { before, after } of changes) {
    const was = new Map(before.allowedAddressPairs.map((pair, position) => [pairKey(pair), position]));
    const kept = new Set<string>();
    for (const [position, pair] of after.allowedAddressPairs.entries()) {
      const key = pairKey(pair);
      const row: PairRow = [after.id, pair.ipAddress, pair.macAddress, position];
      const earlier = was.get(key);
      kept.add(key);
      if (earlier === undefined) added.push(row);
      else if (earlier !== position) moved.push(row);
    }
    for (const [position, pair] of before.allowedAddressPairs.entries()) {
      if (!kept.has(pairKey(pair))) dropped.push([after.id, pair.ipAddress, pair.macAddress, position]);
    }
  }
  await runWithValues(
    db,
    dropped.map(([portId, ip, mac]) => [portId, ip, mac]),
    (values) => `DELETE FROM address_pairs WHERE (port_id, ip_address, mac_address) IN (VALUES ${values})`,
  );
  await runWithValues(
    db,
    moved,
    // SQLite names a VALUES list's columns column1, column2, …
    (values) => `UPDATE address_pairs SET position = w.column4 FROM (VALUES ${values}) AS w
       WHERE address_pairs.port_id = w.column1 AND address_pairs.ip_address = w.column2
         AND address_pairs.mac_address = w.column3`,
  );
  await insertPairRows(db, added);
}

function portRow(port: Port): unknown[] {
  return [
    port.id,
    port.projectId,
    port.networkId,
    port.name,
    port.description,
    port.macAddress,
    port.deviceOwner,
    port.deviceId,
    port.status,
    port.adminStateUp ? 1 : 0,
    port.nicIndex,
    port.revisionNumber,
    port.createdAt,
    port.updatedAt,
    port.portSecurityEnabled ? 1 : 0,
    JSON.stringify(port.extraDhcpOpts ?? []),
    JSON.stringify(port.bindingProfile ?? {}),
  ];
}

const insertPort = (unlessMacTaken: boolean) =>
  `INSERT INTO ports (${PORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)${
    unlessMacTaken ? " ON CONFLICT (network_id, mac_address) DO NOTHING" : ""
  }`;

/** The children of a new port as JSON arrays, one element per row: [subnet, IP, position], [IP, MAC, position], [group, position]. */
function childRows(port: Port): { fixedIps: string; pairs: string; groups: string } {
  return {
    fixedIps: JSON.stringify(port.fixedIps.map((ip, position) => [ip.subnetId, ip.ipAddress, position])),
    pairs: JSON.stringify(
      port.allowedAddressPairs.map((pair, position) => [pair.ipAddress, pair.macAddress, position]),
    ),
    groups: JSON.stringify(port.securityGroupIds.map((group, position) => [group, position])),
  };
}

/**
 * A new port's rows: the port, its fixed IPs, pairs and security groups. On PostgreSQL one statement (data-modifying
 * CTEs, the children taking the port's id from its INSERT, so they are written only with it); on SQLite one per table
 * that gets rows. With `unlessMacTaken`, a port of the network already holding the MAC makes it write nothing and
 * answer false, instead of failing on the unique (network, MAC) key.
 */
export async function insertPortRows(
  db: SqlExecutor,
  dialect: Dialect,
  port: Port,
  unlessMacTaken: boolean,
): Promise<boolean> {
  const children = childRows(port);
  if (dialect.writableCtes) {
    const from = `FROM port CROSS JOIN ${dialect.jsonElements}`;
    const rows = await db.all<{ inserted: unknown }>(
      `WITH port AS (${insertPort(unlessMacTaken)} RETURNING id, network_id),
        ips AS (INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position)
          SELECT port.id, port.network_id, value ->> 0, value ->> 1, CAST(value ->> 2 AS INTEGER) ${from}),
        pairs AS (INSERT INTO address_pairs (port_id, ip_address, mac_address, position)
          SELECT port.id, value ->> 0, value ->> 1, CAST(value ->> 2 AS INTEGER) ${from}),
        groups AS (INSERT INTO port_security_groups (port_id, security_group_id, position)
          SELECT port.id, value ->> 0, CAST(value ->> 1 AS INTEGER) ${from})
       SELECT count(*) AS inserted FROM port`,
      [...portRow(port), children.fixedIps, children.pairs, children.groups],
    );
    return Number(rows[0]?.inserted) > 0;
  }
  if ((await db.run(insertPort(unlessMacTaken), portRow(port))) === 0) return false;
  await runWithValues(
    db,
    port.fixedIps.map((ip, position) => [port.id, port.networkId, ip.subnetId, ip.ipAddress, position]),
    (values) => `INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position) VALUES ${values}`,
  );
  await insertPairs(db, port.id, port.allowedAddressPairs);
  await insertMemberships(db, port.id, port.securityGroupIds);
  return true;
}

/** Makes the port a member of the groups, in this order (the port has no memberships yet). */
export function insertMemberships(db: SqlExecutor, portId: string, groupIds: readonly string[]) {
  return runWithValues(
    db,
    groupIds.map((group, position) => [portId, group, position]),
    (values) => `INSERT INTO port_security_groups (port_id, security_group_id, position) VALUES ${values}`,
  );
}
