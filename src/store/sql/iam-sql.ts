import type { AccessKey } from "../../domain/model.js";
import type { SqlExecutor } from "./executor.js";

/** Identity statements beyond bootstrap's: access keys listed, resealed, deleted. */
export async function listAccessKeys(db: SqlExecutor, userId?: string): Promise<AccessKey[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT access_key, secret_key, user_id FROM access_keys${userId === undefined ? "" : " WHERE user_id = ?"} ORDER BY access_key`,
    userId === undefined ? [] : [userId],
  );
  return rows.map((row) => ({
    accessKey: String(row.access_key),
    secretKey: String(row.secret_key),
    userId: String(row.user_id),
  }));
}

export async function updateAccessKeySecret(db: SqlExecutor, accessKey: string, secretKey: string): Promise<void> {
  await db.run("UPDATE access_keys SET secret_key = ? WHERE access_key = ?", [secretKey, accessKey]);
}

export async function deleteAccessKey(db: SqlExecutor, accessKey: string): Promise<boolean> {
  return (await db.run("DELETE FROM access_keys WHERE access_key = ?", [accessKey])) > 0;
}
