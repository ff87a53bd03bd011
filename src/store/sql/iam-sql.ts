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

/** Revoked until it would have expired anyway; expired revocations are dropped on the way. */
export async function revokeToken(db: SqlExecutor, tokenHash: string, expiresAt: string, now: string): Promise<void> {
  await db.run("DELETE FROM revoked_tokens WHERE expires_at < ? OR token_hash = ?", [now, tokenHash]);
  await db.run("INSERT INTO revoked_tokens (token_hash, expires_at) VALUES (?, ?)", [tokenHash, expiresAt]);
}

export async function isTokenRevoked(db: SqlExecutor, tokenHash: string): Promise<boolean> {
  return (await db.all("SELECT 1 FROM revoked_tokens WHERE token_hash = ?", [tokenHash])).length > 0;
}
