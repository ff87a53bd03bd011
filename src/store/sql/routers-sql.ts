import type { RouterAttributes, RouterRoute } from "../../domain/routers/model.js";
import type { RouterRepository } from "../repositories/routers.js";
import type { Row, SqlContext } from "./context.js";

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

export class RoutersSql implements RouterRepository {
  constructor(private readonly context: SqlContext) {}

  private get db() {
    return this.context.db;
  }

  async getAttributes(vpcId: string): Promise<RouterAttributes | undefined> {
    const rows = await this.db.all<Row>("SELECT * FROM routers WHERE vpc_id = ?", [vpcId]);
    return rows[0] ? attributesFromRow(rows[0]) : undefined;
  }

  async putAttributes(a: RouterAttributes): Promise<void> {
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
    // A subnet put on a router is routed differently: the change feed tells the data plane.
    this.context.changes.subnets.add(subnetId);
    await this.db.run("UPDATE subnets SET vpc_id = ? WHERE id = ?", [vpcId, subnetId]);
  }
}
