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

const pairColumns = "value ->> 0, value ->> 1, value ->> 2";

/** Inserts pair rows, however many, in one statement of one shape. */
async function insertPairRows(db: SqlExecutor, dialect: Dialect, rows: PairRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.run(
    `INSERT INTO address_pairs (port_id, ip_address, mac_address, position)
     SELECT ${pairColumns}, CAST(value ->> 3 AS INTEGER) FROM ${dialect.jsonElements}`,
    [JSON.stringify(rows)],
  );
}

/** A new port's pairs, in their order. */
export function insertPairs(db: SqlExecutor, dialect: Dialect, portId: string, pairs: readonly AddressPair[]) {
  return insertPairRows(
    db,
    dialect,
    pairs.map((pair, position): PairRow => [portId, pair.ipAddress, pair.macAddress, position]),
  );
}

const pairKey = (pair: AddressPair) => `${pair.ipAddress} ${pair.macAddress}`;

/**
 * SQLite: ports read in this unit of work written as they are to be, in at most four statements whatever their
 * number: the rows in one UPDATE, then the pairs by difference against `before` (deleted, moved to their new
 * position, inserted), each kind one statement and only when there is some. A bind appends a pair to each side
 * (two statements in all); an unbind drops one (two as well). Each change must have distinct pairs.
 */
export async function writePortChanges(
  db: SqlExecutor,
  dialect: Dialect,
  changes: readonly PortChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const rows = changes.map(({ after: port }) => [
    port.id,
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
  ]);
  await db.run(
    `UPDATE ports SET name = w.value ->> 1, description = w.value ->> 2, device_owner = w.value ->> 3,
       device_id = w.value ->> 4, status = w.value ->> 5, admin_state_up = w.value ->> 6, nic_index = w.value ->> 7,
       revision_number = w.value ->> 8, updated_at = w.value ->> 9, port_security_enabled = w.value ->> 10,
       extra_dhcp_opts = w.value ->> 11, binding_profile = w.value ->> 12
     FROM ${dialect.jsonElements} AS w WHERE ports.id = w.value ->> 0`,
    [JSON.stringify(rows)],
  );
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
  if (dropped.length > 0) {
    await db.run(
      `DELETE FROM address_pairs WHERE (port_id, ip_address, mac_address) IN
         (SELECT ${pairColumns} FROM ${dialect.jsonElements})`,
      [JSON.stringify(dropped)],
    );
  }
  if (moved.length > 0) {
    await db.run(
      `UPDATE address_pairs SET position = CAST(w.value ->> 3 AS INTEGER) FROM ${dialect.jsonElements} AS w
       WHERE address_pairs.port_id = w.value ->> 0 AND address_pairs.ip_address = w.value ->> 1
         AND address_pairs.mac_address = w.value ->> 2`,
      [JSON.stringify(moved)],
    );
  }
  await insertPairRows(db, dialect, added);
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
  if (port.fixedIps.length > 0) {
    await db.run(
      `INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position)
       SELECT ?, ?, value ->> 0, value ->> 1, CAST(value ->> 2 AS INTEGER) FROM ${dialect.jsonElements}`,
      [port.id, port.networkId, children.fixedIps],
    );
  }
  await insertPairs(db, dialect, port.id, port.allowedAddressPairs);
  await insertMemberships(db, dialect, port.id, port.securityGroupIds);
  return true;
}

/** Makes the port a member of the groups, in this order (the port has no memberships yet): one statement. */
export async function insertMemberships(
  db: SqlExecutor,
  dialect: Dialect,
  portId: string,
  groupIds: readonly string[],
) {
  if (groupIds.length === 0) return;
  await db.run(
    `INSERT INTO port_security_groups (port_id, security_group_id, position)
     SELECT ?, value ->> 0, CAST(value ->> 1 AS INTEGER) FROM ${dialect.jsonElements}`,
    [portId, JSON.stringify(groupIds.map((group, position) => [group, position]))],
  );
}
