import { isPostgresUrl, sqlitePath } from "./database-url.js";
import { SqliteStore, type SqliteSynchronous } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

export class UnsupportedDatabaseError extends Error {}

export interface OpenStoreOptions {
  synchronous?: SqliteSynchronous;
  /** Bring the schema up to date (default true); false opens the database as it is, e.g. to check it. */
  migrate?: boolean;
  /** SQLite: fail instead of creating a new empty database file. */
  mustExist?: boolean;
  /** Open without writing anything, ever (implies no migration and, for SQLite, an existing file). */
  readOnly?: boolean;
}

/** Opens the store a database URL names and (unless told otherwise) brings its schema up to date. */
export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<Store> {
  const path = sqlitePath(db);
  if (path !== undefined) {
    return SqliteStore.open({
      path,
      synchronous: options.synchronous,
      migrate: options.migrate,
      mustExist: options.mustExist,
      readOnly: options.readOnly,
    });
  }
  if (isPostgresUrl(db)) {
    const { PostgresStore } = await import("./postgres/postgres-store.js");
    return PostgresStore.open({ url: db, migrate: options.migrate, readOnly: options.readOnly });
  }
  throw new UnsupportedDatabaseError(`unsupported database URL: ${db} (use sqlite:PATH or postgres://…)`);
}
