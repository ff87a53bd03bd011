import type { AuditFilter, AuditRecord } from "../../domain/audit.js";
import type { SqlExecutor } from "./executor.js";

const COLUMNS =
  "id, time, account_id, user_id, access_key, project_id, action, target, status, code, request_id, source";

/** Rows one INSERT carries at most; a batch is sent in power-of-two slices, so few statement shapes exist. */
const MAX_ROWS = 32;

/** Writes the records in a few multi-row INSERTs (13 records: 8 + 4 + 1), not one statement each. */
export async function insertAudit(db: SqlExecutor, records: readonly AuditRecord[]): Promise<void> {
  for (let at = 0; at < records.length; ) {
    let rows = MAX_ROWS;
    while (rows > records.length - at) rows /= 2;
    const slice = records.slice(at, at + rows);
    at += rows;
    await db.run(
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
export async function listAudit(db: SqlExecutor, filter: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.since !== undefined) {
    where.push("time >= ?");
    params.push(filter.since);
  }
  if (filter.projectId !== undefined) {
    where.push("project_id = ?");
    params.push(filter.projectId);
  }
  if (filter.accountId !== undefined) {
    where.push("account_id = ?");
    params.push(filter.accountId);
  }
  params.push(filter.limit);
  const rows = await db.all<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM audit_log${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY time DESC, id DESC LIMIT ?`,
    params,
  );
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

export async function pruneAudit(db: SqlExecutor, before: string): Promise<number> {
  return db.run("DELETE FROM audit_log WHERE time < ?", [before]);
}
