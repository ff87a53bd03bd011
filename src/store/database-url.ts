import { resolve } from "node:path";

/** The SQLite file path of a `sqlite:` URL, or undefined for other databases. */
export function sqlitePath(db: string): string | undefined {
  if (db.startsWith("sqlite:")) return resolve(db.slice("sqlite:".length));
  return undefined;
}

/** Whether the URL names a PostgreSQL database. */
export function isPostgresUrl(db: string): boolean {
  return db.startsWith("postgres://") || db.startsWith("postgresql://");
}
