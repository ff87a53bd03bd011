import type { SqlExecutor } from "./executor.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "./migrations.js";

const CREATE_VERSIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

/** The schema version of the database, 0 when it has no migration log; reads only (`ecs-vip check` must not write). */
export async function currentSchemaVersion(db: SqlExecutor): Promise<number> {
  const exists =
    db.dialect === "sqlite"
      ? await db.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      : await db.all(
          "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
        );
  if (exists.length === 0) return 0;
  const rows = await db.all<{ version: unknown }>("SELECT MAX(version) AS version FROM schema_migrations");
  return Number(rows[0]?.version ?? 0);
}

/** Applies every migration newer than the database; the caller runs this inside one transaction. */
export async function applyMigrations(db: SqlExecutor, now: () => string): Promise<number[]> {
  await db.run(CREATE_VERSIONS_TABLE);
  const current = await currentSchemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`database schema is at version ${current}, newer than this build (${LATEST_SCHEMA_VERSION})`);
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    for (const statement of migration.statements) await db.run(statement);
    if (migration.fill) await migration.fill(db);
    await db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      migration.version,
      migration.name,
      now(),
    ]);
    applied.push(migration.version);
  }
  return applied;
}
