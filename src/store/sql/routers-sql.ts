import type { RouterAttributes, RouterRoute } from "../../domain/routers/model.js";
import type { ChangeRecorder } from "../change-feed.js";
import type { RouterTx } from "../routers.js";
import { SecurityGroupSql } from "./security-groups-sql.js";

type Row = Record<string, unknown>;

/** Tables of routers, in the order `dump()` lists them. */
export const ROUTER_TABLES: [string, string][] = [["routers", "vpc_id"]];

function attributesFromRow(row: Row): RouterAttributes {
  const routes = typeof row.routes === "string" ? (JSON.parse(row.routes) as RouterRoute[]) : [];
  return {
    vpcId: String(row.vpc_id),
    externalGateway: Number(row.external_gateway) === 1,
    enableSnat: Number(row.enable_snat) === 1,
    routes,
    revisionNumber: Number(row.revision_number),
    updatedAt: String(row.updated_at),
  };
}

/** The SQL of routers, one link of the chain of aggregate classes `SqlTx` extends. */
export abstract class RouterSql extends SecurityGroupSql implements RouterTx {
  /** What this unit of work touched, for the change feed (a subnet put on a router is routed differently). */
  abstract readonly changes: ChangeRecorder;

  async getRouterAttributes(vpcId: string): Promise<RouterAttributes | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM routers WHERE vpc_id = ?", [vpcId]);
    return rows[0] ? attributesFromRow(rows[0]) : undefined;
  }

  async putRouterAttributes(a: RouterAttributes): Promise<void> {
    const values = [
      a.externalGateway ? 1 : 0,
      a.enableSnat ? 1 : 0,
      JSON.stringify(a.routes),
      a.revisionNumber,
      a.updatedAt,
      a.vpcId,
    ];
    const updated = await this.db.run(
      `UPDATE routers SET external_gateway = ?, enable_snat = ?, routes = ?, revision_number = ?, updated_at = ?
       WHERE vpc_id = ?`,
      values,
    );
    if (updated > 0) return;
    await this.db.run(
      `INSERT INTO routers (external_gateway, enable_snat, routes, revision_number, updated_at, vpc_id)
       VALUES (?, ?, ?, ?, ?, ?)`,
      values,
    );
  }

  async setSubnetVpc(subnetId: string, vpcId: string | null): Promise<void> {
    this.changes.subnets.add(subnetId);
    await this.db.run("UPDATE subnets SET vpc_id = ? WHERE id = ?", [vpcId, subnetId]);
  }
}
