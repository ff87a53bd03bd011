import { sqlitePath } from "../config.js";
import { SqliteStore, type SqliteSynchronous } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

export class UnsupportedDatabaseError extends Error {}

/** Opens the store a database URL names and brings its schema up to date. */
export async function openStore(db: string, options: { synchronous?: SqliteSynchronous } = {}): Promise<Store> {
  const path = sqlitePath(db);
  if (path !== undefined) return SqliteStore.open({ path, synchronous: options.synchronous });
  if (db.startsWith("postgres://") || db.startsWith("postgresql://")) {
    const { PostgresStore } = await import("./postgres/postgres-store.js");
    return PostgresStore.open({ url: db });
  }
  throw new UnsupportedDatabaseError(`unsupported database URL: ${db} (use sqlite:PATH or postgres://…)`);
}
