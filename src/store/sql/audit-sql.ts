import type { AuditFilter, AuditRecord } from "../../domain/audit.js";
import type { AuditRepository } from "../repositories/audit.js";
import type { SqlContext } from "./context.js";
import { Query } from "./query.js";

const COLUMNS =
  "id, time, account_id, user_id, access_key, project_id, action, target, status, code, request_id, source";

/** Rows one INSERT carries at most; a batch is sent in power-of-two slices, so few statement shapes exist. */
const MAX_ROWS = 32;

export class AuditSql implements AuditRepository {
  constructor(private readonly context: SqlContext) {}

  /**
   * Writes the records in a few multi-row INSERTs (13 records: 8 + 4 + 1), not one statement each; on PostgreSQL in
   * one held-back write of any length (deferred-writes.ts), which goes out with the unit of work's COMMIT.
   */
  async insert(records: readonly AuditRecord[]): Promise<void> {
    const deferred = this.context.db.deferred;
    if (deferred && records.length > 0) {
      const column = <K extends keyof AuditRecord>(key: K) => records.map((record) => record[key]);
      await deferred.add(
        `audit ${records[0]?.id}`,
        (n) => [
          `audit_${n} AS (INSERT INTO audit_log (${COLUMNS}) SELECT * FROM unnest(?::text[], ?::text[], ?::text[],
             ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::text[]))`,
        ],
        [
          column("id"),
          column("time"),
          column("accountId"),
          column("userId"),
          column("accessKey"),
          column("projectId"),
          column("action"),
          column("target"),
          column("status"),
          column("code"),
          column("requestId"),
          column("source"),
        ],
      );
      return;
    }
    for (let at = 0; at < records.length; ) {
      let rows = MAX_ROWS;
      while (rows > records.length - at) rows /= 2;
      const slice = records.slice(at, at + rows);
      at += rows;
      await this.context.db.run(
        `INSERT INTO audit_log (${COLUMNS}) VALUES ${slice.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        slice.flatMap((record) => [
          record.id,
          record.time,
          record.accountId,
          record.userId,
          record.accessKey,
          record.projectId,
          record.action,
          record.target,
          record.status,
          record.code,
          record.requestId,
          record.source,
        ]),
      );
    }
  }

  /** The newest `limit` records matching, oldest first. */
  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const query = new Query(this.context.dialect, "audit_log", COLUMNS)
      .whereDefined("time >= ?", filter.since)
      .equal("project_id", filter.projectId)
      .equal("account_id", filter.accountId)
      .orderBy("time DESC, id DESC")
      .limit(filter.limit);
    const rows = await query.all(this.context.db);
    return rows.reverse().map((row) => ({
      id: String(row.id),
      time: String(row.time),
      accountId: String(row.account_id),
      userId: String(row.user_id),
      accessKey: String(row.access_key),
      projectId: String(row.project_id),
      action: String(row.action),
      target: String(row.target),
      status: Number(row.status),
      code: String(row.code),
      requestId: String(row.request_id),
      source: String(row.source),
    }));
  }

  prune(before: string): Promise<number> {
    return this.context.db.run("DELETE FROM audit_log WHERE time < ?", [before]);
  }
}
