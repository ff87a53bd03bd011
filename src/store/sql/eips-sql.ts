import type { Eip } from "../../domain/eips/model.js";
import type { EipFilter, EipTx } from "../eips.js";
import type { ReadOptions } from "../store.js";
import type { SqlExecutor } from "./executor.js";
import { Where } from "./where.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string => String(value ?? "");
const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function eipFromRow(row: Row): Eip {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    publicIpAddress: text(row.public_ip_address),
    type: text(row.type),
    alias: text(row.alias),
    portId: nullableText(row.port_id),
    fixedIpAddress: nullableText(row.fixed_ip_address),
    bandwidthId: text(row.bandwidth_id),
    bandwidthName: text(row.bandwidth_name),
    bandwidthSize: Number(row.bandwidth_size),
    bandwidthShareType: text(row.bandwidth_share_type),
    bandwidthChargeMode: text(row.bandwidth_charge_mode),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/** The SQL of EIPs; the first link of the chain of aggregate classes `SqlTx` extends. */
export class EipSql implements EipTx {
  constructor(protected readonly db: SqlExecutor) {}

  protected rowLock(options?: ReadOptions): string {
    return options?.forUpdate && this.db.dialect === "postgres" ? " FOR UPDATE" : "";
  }

  async insertEip(e: Eip): Promise<void> {
    await this.db.run(
      `INSERT INTO eips (id, project_id, public_ip_address, type, alias, port_id, bandwidth_id, bandwidth_name,
        bandwidth_size, bandwidth_share_type, bandwidth_charge_mode, created_at, updated_at, fixed_ip_address)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.id,
        e.projectId,
        e.publicIpAddress,
        e.type,
        e.alias,
        e.portId,
        e.bandwidthId,
        e.bandwidthName,
        e.bandwidthSize,
        e.bandwidthShareType,
        e.bandwidthChargeMode,
        e.createdAt,
        e.updatedAt,
        e.fixedIpAddress,
      ],
    );
  }

  async getEip(id: string, options?: ReadOptions): Promise<Eip | undefined> {
    const rows = await this.db.all<Row>(`SELECT * FROM eips WHERE id = ?${this.rowLock(options)}`, [id]);
    return rows[0] ? eipFromRow(rows[0]) : undefined;
  }

  async listEips(projectId: string, filter: EipFilter): Promise<Eip[]> {
    const where = new Where(projectId, this.db.dialect)
      .equal("port_id", filter.portId)
      .equal("public_ip_address", filter.publicIpAddress)
      .ids(filter.ids);
    if (where.empty) return [];
    return (await this.db.all<Row>(`SELECT * FROM eips${where.page(filter.page)}`, where.params)).map(eipFromRow);
  }

  async usedEipAddresses(): Promise<Set<string>> {
    const rows = await this.db.all<Row>("SELECT public_ip_address FROM eips");
    return new Set(rows.map((row) => text(row.public_ip_address)));
  }

  async updateEip(e: Eip): Promise<void> {
    await this.db.run("UPDATE eips SET alias = ?, port_id = ?, fixed_ip_address = ?, updated_at = ? WHERE id = ?", [
      e.alias,
      e.portId,
      e.fixedIpAddress,
      e.updatedAt,
      e.id,
    ]);
  }

  async deleteEip(id: string): Promise<void> {
    await this.db.run("DELETE FROM eips WHERE id = ?", [id]);
  }

  async unbindEipsOfPort(portId: string, now: string): Promise<number> {
    return this.db.run("UPDATE eips SET port_id = NULL, fixed_ip_address = NULL, updated_at = ? WHERE port_id = ?", [
      now,
      portId,
    ]);
  }
}
