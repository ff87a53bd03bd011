import type { Port } from "../../domain/model.js";
import type { Row } from "./context.js";
import type { Dialect } from "./dialect.js";
import { portFromRow } from "./rows.js";

export const PORT_COLUMNS =
  "id, project_id, network_id, name, description, mac_address, device_owner, device_id, status, admin_state_up, nic_index, revision_number, created_at, updated_at, port_security_enabled, extra_dhcp_opts, binding_profile";

/** Whether a locked port row is the version the statement's snapshot holds (PostgreSQL; see `PortsSql.select`). */
export const FRESH = "(SELECT p.xmin = ports.xmin FROM ports p WHERE p.id = ports.id) AS fresh";

const hydratedColumns = new Map<Dialect, string>();

/**
 * A port row carries its fixed IPs, pairs and groups as JSON arrays (correlated subqueries, in position order), so
 * reading hydrated ports is one statement instead of four (a round trip each on PostgreSQL); `FOR UPDATE` still
 * locks only the port rows.
 */
export function hydratedPortColumns(dialect: Dialect): string {
  let columns = hydratedColumns.get(dialect);
  if (columns === undefined) {
    columns = `${PORT_COLUMNS},
  (SELECT ${dialect.jsonAggregate(dialect.jsonArray("f.subnet_id", "f.ip_address"), "f.position")}
    FROM fixed_ips f WHERE f.port_id = ports.id) AS fixed_ips_json,
  (SELECT ${dialect.jsonAggregate(dialect.jsonArray("a.ip_address", "a.mac_address"), "a.position")}
    FROM address_pairs a WHERE a.port_id = ports.id) AS pairs_json,
  (SELECT ${dialect.jsonAggregate("g.security_group_id", "g.position")}
    FROM port_security_groups g WHERE g.port_id = ports.id) AS groups_json`;
    hydratedColumns.set(dialect, columns);
  }
  return columns;
}

/** Ports from rows of `hydratedPortColumns`, keeping the rows' order. */
export function hydratePorts(dialect: Dialect, rows: Row[]): Port[] {
  return rows.map((row) =>
    portFromRow(
      row,
      dialect
        .parseJsonArray<[string, string]>(row.fixed_ips_json)
        .map(([subnetId, ipAddress]) => ({ subnetId, ipAddress })),
      dialect
        .parseJsonArray<[string, string]>(row.pairs_json)
        .map(([ipAddress, macAddress]) => ({ ipAddress, macAddress })),
      dialect.parseJsonArray<string>(row.groups_json),
    ),
  );
}
