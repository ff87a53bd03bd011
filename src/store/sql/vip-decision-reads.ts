import type { Port } from "../../domain/model.js";
import type { AddressHolder } from "../../domain/vip/unbind.js";
import type { BindInput, UnbindInput } from "../repositories/ports.js";
import type { Row, SqlContext } from "./context.js";
import type { Dialect } from "./dialect.js";
import { FRESH, hydratedPortColumns, hydratePorts } from "./port-rows.js";
import { serverFromRow, subnetFromRow } from "./rows.js";
import { SERVER_COLUMN_NAMES, SUBNET_COLUMN_NAMES } from "./table-columns.js";

/**
 * What a bind or an unbind decides on, read in one statement each: the NIC's row carries its server and subnet (and,
 * for a bind, the subnet the request names) as JSON objects; the other rows are the ports the decision may change.
 * The ports are chosen by id through `id IN (SELECT … UNION ALL …)`, which both databases answer by index (an OR
 * of the NIC's id and a subquery makes PostgreSQL scan every port). Rows come NIC first, then by id, and on
 * PostgreSQL are locked in that order (ORDER BY is applied before FOR UPDATE), the order every bind and unbind locks
 * in, so they cannot deadlock each other.
 *
 * After a lock wait, READ COMMITTED hands back the locked rows as the other transaction left them, but subqueries
 * still see the statement's older snapshot (see `PortsSql.select`): when any row is not fresh, the statement runs
 * again (its rows are locked by then, so the second run sees them and everything they were written with). A lock
 * waited for is always seen so: a writing unit of work gives the ports it locked and left unchanged a new version.
 */

const statements = new Map<Dialect, { bind: string; unbind: string }>();

function statementsOf(dialect: Dialect): { bind: string; unbind: string } {
  let known = statements.get(dialect);
  if (known) return known;
  // The parameters, once each, as a one-row CTE the statement reads through scalar subqueries (not a FROM item, so
  // FOR UPDATE locks ports alone). The NIC's server and subnet are read for the NIC's row only.
  const nic = "(SELECT nic FROM input)";
  const onNicRow = (subquery: string, name: string) => `CASE WHEN ports.id = ${nic} THEN (${subquery}) END AS ${name}`;
  const input = (names: string[]) =>
    `WITH input (${names.join(", ")}) AS (SELECT ${names.map(() => "CAST(? AS TEXT)").join(", ")})`;
  const columns = `${hydratedPortColumns(dialect)}${dialect.rowLocks ? `, ${FRESH}` : ""},
    ${onNicRow(`SELECT ${dialect.rowJson("s", SERVER_COLUMN_NAMES)} FROM servers s WHERE s.id = ports.device_id`, "server_json")},
    ${onNicRow(`SELECT ${dialect.rowJson("n", SUBNET_COLUMN_NAMES)} FROM subnets n WHERE n.id = ports.network_id`, "subnet_json")}`;
  const nicFirst = `ORDER BY CASE WHEN ports.id = ${nic} THEN 0 ELSE 1 END, ports.id${dialect.lock({ forUpdate: true })}`;
  const holderEntry = dialect.jsonArray("h.device_owner", "f.subnet_id", "f.ip_address");
  known = {
    // The named subnet is read apart only when it is not the NIC's own (most binds name the NIC's).
    bind: `${input(["nic", "subnet", "project", "address"])}
      SELECT ${columns},
      CASE WHEN ports.id = ${nic} AND ports.network_id <> (SELECT subnet FROM input) THEN
        (SELECT ${dialect.rowJson("t", SUBNET_COLUMN_NAMES)} FROM subnets t WHERE t.id = (SELECT subnet FROM input))
      END AS target_subnet_json
      FROM ports
      WHERE ports.id IN (SELECT nic FROM input UNION ALL SELECT f.port_id FROM fixed_ips f
        JOIN subnets t ON t.network_id = f.network_id WHERE t.id = (SELECT subnet FROM input)
          AND t.project_id = (SELECT project FROM input) AND f.ip_address = (SELECT address FROM input))
      ${nicFirst}`,
    // The holders of the pairs' addresses are found from the pairs (CROSS JOIN keeps SQLite to that order), by
    // index: never by walking the project's ports.
    unbind: `${input(["nic", "project"])}
      SELECT ${columns},
      ${onNicRow(
        `SELECT ${dialect.jsonAggregate(holderEntry, "f.ip_address, h.id")}
        FROM address_pairs a CROSS JOIN fixed_ips f CROSS JOIN ports h
        WHERE a.port_id = ports.id AND f.ip_address = a.ip_address AND h.id = f.port_id
          AND h.project_id = ports.project_id
          AND f.network_id IN (SELECT v.network_id FROM subnets v
            WHERE v.vpc_id = (SELECT n.vpc_id FROM subnets n WHERE n.id = ports.network_id))`,
        "pair_holders_json",
      )}
      FROM ports
      WHERE ports.id IN (SELECT nic FROM input UNION ALL SELECT a.port_id FROM ports nic CROSS JOIN address_pairs a
        CROSS JOIN ports r WHERE nic.id = ${nic} AND a.mac_address = nic.mac_address
          AND a.ip_address = (SELECT f.ip_address FROM fixed_ips f WHERE f.port_id = nic.id ORDER BY f.position LIMIT 1)
          AND r.id = a.port_id AND r.project_id = (SELECT project FROM input))
      ${nicFirst}`,
  };
  statements.set(dialect, known);
  return known;
}

/** Runs a locking read until every row it locked is fresh (at once, unless it waited for another transaction). */
async function lockedRows(context: SqlContext, sql: string, params: unknown[]): Promise<Row[]> {
  for (;;) {
    const rows = await context.db.all<Row>(sql, params);
    if (!context.dialect.rowLocks) return rows;
    for (const row of rows) context.lockedPorts.add(String(row.id));
    if (rows.every((row) => row.fresh === true)) return rows;
  }
}

function nicContext(context: SqlContext, rows: Row[], nicId: string) {
  const ports = hydratePorts(context.dialect, rows);
  const index = ports.findIndex((port) => port.id === nicId);
  const row = rows[index];
  if (!row) return undefined;
  const server = context.dialect.parseJsonObject(row.server_json);
  const subnet = context.dialect.parseJsonObject(row.subnet_json);
  return {
    ports,
    row,
    nic: ports[index] as Port,
    server: server ? serverFromRow(server) : undefined,
    nicSubnet: subnet ? subnetFromRow(subnet) : undefined,
  };
}

export async function lockBindInput(
  context: SqlContext,
  nicId: string,
  target: { projectId: string; subnetId: string; ipAddress: string },
): Promise<BindInput> {
  const rows = await lockedRows(context, statementsOf(context.dialect).bind, [
    nicId,
    target.subnetId,
    target.projectId,
    target.ipAddress,
  ]);
  const read = nicContext(context, rows, nicId);
  if (!read) return {};
  const subnet = context.dialect.parseJsonObject(read.row.target_subnet_json);
  const targetSubnet = subnet
    ? subnetFromRow(subnet)
    : read.nic.networkId === target.subnetId
      ? read.nicSubnet
      : undefined;
  const holder =
    targetSubnet?.projectId === target.projectId
      ? read.ports.find(
          (port) =>
            port.networkId === targetSubnet.networkId && port.fixedIps.some((ip) => ip.ipAddress === target.ipAddress),
        )
      : undefined;
  // SQLite's write transaction holds the whole database (BEGIN IMMEDIATE): a subnet read in it is as good as locked,
  // so the free ranges need not read it again to claim the address.
  if (targetSubnet && !context.dialect.rowLocks) {
    context.free.noteLocked(targetSubnet.neutronSubnetId, targetSubnet.cidr);
  }
  return { nic: read.nic, server: read.server, nicSubnet: read.nicSubnet, targetSubnet, holder };
}

export async function lockUnbindInput(context: SqlContext, nicId: string, projectId: string): Promise<UnbindInput> {
  const rows = await lockedRows(context, statementsOf(context.dialect).unbind, [nicId, projectId]);
  const read = nicContext(context, rows, nicId);
  if (!read) return { pairHolders: [], reverseHolders: [] };
  const { nic } = read;
  const pairHolders: AddressHolder[] = context.dialect
    .parseJsonArray<[string, string, string]>(read.row.pair_holders_json ?? "[]")
    .map(([deviceOwner, subnetId, ipAddress]) => ({ deviceOwner, fixedIps: [{ subnetId, ipAddress }] }));
  const nicIp = nic.fixedIps[0]?.ipAddress;
  const reverseHolders = read.ports.filter((port) =>
    port.allowedAddressPairs.some((pair) => pair.ipAddress === nicIp && pair.macAddress === nic.macAddress),
  );
  return { nic, server: read.server, nicSubnet: read.nicSubnet, pairHolders, reverseHolders };
}
