import type { ProjectUsage } from "../../domain/quotas/quotas.js";
import type { AdminRepository } from "../repositories/admin.js";
import type { NetworkState, WireSlice } from "../types.js";
import type { Row, SqlContext } from "./context.js";
import { listBoundEips, listWireRules, readWireSlice } from "./dataplane-sql.js";
import { IAM_TABLES } from "./iam-sql.js";
import { hydratedPortColumns, hydratePorts } from "./port-rows.js";
import { ROUTER_TABLES } from "./routers-sql.js";
import { serverFromRow, subnetFromRow } from "./rows.js";
import { SECURITY_GROUP_AND_EIP_TABLES } from "./security-groups-sql.js";

/** Every table with the order `dump` lists its rows in. */
const DUMP_ORDER: [string, string][] = [
  ["meta", "key"],
  ["accounts", "id"],
  ["users", "id"],
  ["projects", "id"],
  ["access_keys", "access_key"],
  ...IAM_TABLES,
  ["vpcs", "id"],
  ["networks", "id"],
  ["subnets", "id"],
  ["ports", "id"],
  ["fixed_ips", "network_id, ip_address"],
  ["free_ranges", "subnet_id, first"],
  ["address_pairs", "port_id, ip_address, mac_address"],
  ["servers", "id"],
  ["jobs", "id"],
  ...SECURITY_GROUP_AND_EIP_TABLES,
  ...ROUTER_TABLES,
];

const BIGINT_COLUMNS: Record<string, string[]> = { free_ranges: ["first", "last"] };

export class AdminSql implements AdminRepository {
  constructor(private readonly context: SqlContext) {}

  private get db() {
    return this.context.db;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.db.all<Row>("SELECT value FROM meta WHERE key = ?", [key]);
    return rows[0] ? String(rows[0].value) : undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.run("DELETE FROM meta WHERE key = ?", [key]);
    await this.db.run("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value]);
  }

  async projectUsage(projectId: string): Promise<ProjectUsage> {
    const counts = await this.db.all<Row>(
      `SELECT (SELECT COUNT(*) FROM vpcs WHERE project_id = ?) AS vpcs,
        (SELECT COUNT(*) FROM subnets WHERE project_id = ?) AS subnets`,
      [projectId, projectId],
    );
    const flavors = await this.db.all<Row>(
      "SELECT flavor_ref, COUNT(*) AS n FROM servers WHERE project_id = ? GROUP BY flavor_ref",
      [projectId],
    );
    return {
      vpcs: Number(counts[0]?.vpcs ?? 0),
      subnets: Number(counts[0]?.subnets ?? 0),
      serversByFlavor: Object.fromEntries(flavors.map((row) => [String(row.flavor_ref), Number(row.n)])),
    };
  }

  async networkState(): Promise<NetworkState> {
    const subnets = (await this.db.all<Row>("SELECT * FROM subnets ORDER BY id")).map(subnetFromRow);
    const servers = (await this.db.all<Row>("SELECT * FROM servers ORDER BY id")).map(serverFromRow);
    const ports = hydratePorts(
      this.context.dialect,
      await this.db.all<Row>(`SELECT ${hydratedPortColumns(this.context.dialect)} FROM ports ORDER BY id`),
    );
    return { subnets, servers, ports, rules: await listWireRules(this.db), eips: await listBoundEips(this.db) };
  }

  wireSlice(ids: { ports: string[]; servers: string[]; subnets: string[] }): Promise<WireSlice> {
    return readWireSlice(this.context, ids);
  }

  async dump(): Promise<Record<string, Record<string, unknown>[]>> {
    const dump: Record<string, Record<string, unknown>[]> = {};
    for (const [table, order] of DUMP_ORDER) {
      // BIGINT columns come back as text from PostgreSQL: both stores dump them as numbers.
      const numeric = BIGINT_COLUMNS[table] ?? [];
      dump[table] = (await this.db.all<Row>(`SELECT * FROM ${table} ORDER BY ${order}`)).map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === "bigint" || (numeric.includes(key) && value !== null) ? Number(value) : value,
          ]),
        ),
      );
    }
    return dump;
  }
}
