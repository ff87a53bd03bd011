import type { Eip } from "../../domain/eips/model.js";
import type { EipRepository } from "../repositories/eips.js";
import type { EipFilter, ReadOptions } from "../types.js";
import type { SqlContext } from "./context.js";
import { portOfEip } from "./dataplane-sql.js";
import type { SqlExecutor } from "./executor.js";
import { Query } from "./query.js";

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
    description: text(row.description),
    revisionNumber: Number(row.revision_number ?? 0),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

export class EipsSql implements EipRepository {
  constructor(private readonly context: SqlContext) {}

  private get db(): SqlExecutor {
    return this.context.db;
  }

  /** Ports an EIP leaves or reaches go to the change feed: the data plane's NAT follows them like a bind. */
  private touched(portIds: readonly (string | null | undefined)[]): void {
    for (const id of portIds) if (id) this.context.changes.ports.add(id);
  }

  async insert(e: Eip): Promise<void> {
    await this.db.run(
      `INSERT INTO eips (id, project_id, public_ip_address, type, alias, port_id, bandwidth_id, bandwidth_name,
        bandwidth_size, bandwidth_share_type, bandwidth_charge_mode, created_at, updated_at, fixed_ip_address,
        description, revision_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        e.description,
        e.revisionNumber,
      ],
    );
  }

  async get(id: string, options?: ReadOptions): Promise<Eip | undefined> {
    const row = await new Query(this.context.dialect, "eips").where("id = ?", id).forUpdate(options).first(this.db);
    return row ? eipFromRow(row) : undefined;
  }

  async list(projectId: string, filter: EipFilter): Promise<Eip[]> {
    const query = new Query(this.context.dialect, "eips")
      .where("project_id = ?", projectId)
      .equal("port_id", filter.portId)
      .equal("public_ip_address", filter.publicIpAddress)
      .oneOf("id", filter.ids)
      .page(filter.page);
    return (await query.all(this.db)).map(eipFromRow);
  }

  async usedAddresses(): Promise<Set<string>> {
    const rows = await this.db.all<Row>("SELECT public_ip_address FROM eips");
    return new Set(rows.map((row) => text(row.public_ip_address)));
  }

  async update(e: Eip): Promise<void> {
    this.touched([await portOfEip(this.db, e.id), e.portId]);
    await this.db.run(
      `UPDATE eips SET alias = ?, port_id = ?, fixed_ip_address = ?, description = ?, revision_number = ?,
        updated_at = ? WHERE id = ?`,
      [e.alias, e.portId, e.fixedIpAddress, e.description, e.revisionNumber, e.updatedAt, e.id],
    );
  }

  async delete(id: string): Promise<void> {
    this.touched([await portOfEip(this.db, id)]);
    await this.db.run("DELETE FROM eips WHERE id = ?", [id]);
  }

  async unbindFromPort(portId: string, now: string): Promise<number> {
    this.touched([portId]);
    return this.db.run(
      `UPDATE eips SET port_id = NULL, fixed_ip_address = NULL, revision_number = revision_number + 1, updated_at = ?
       WHERE port_id = ?`,
      [now, portId],
    );
  }
}
