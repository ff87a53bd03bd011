import type { Change, ChangeRecorder } from "../change-feed.js";
import type { SqlExecutor } from "./executor.js";

/** PostgreSQL channel a commit notifies with its revision, so other processes follow without polling. */
export const CHANGE_CHANNEL = "ecs_vip_changes";
/** How many changes the log keeps; older ones are pruned every PRUNE_EVERY revisions. */
const RETAINED_CHANGES = 10_000;
const PRUNE_EVERY = 1_000;

type Row = Record<string, unknown>;

/**
 * Writes the recorded ids as the next revision, inside the caller's transaction and as its last statements. The
 * one-row counter is locked until commit, so on PostgreSQL revisions are taken in commit order (the lock is held only
 * from here to COMMIT); on SQLite writers never overlap anyway.
 */
export async function writeChange(db: SqlExecutor, recorded: ChangeRecorder, at: string): Promise<Change | undefined> {
  if (recorded.empty) return undefined;
  if (db.dialect === "postgres") return writeChangeInOneStatement(db, recorded, at);
  // SQLite has no data-modifying WITH: the counter's UPDATE … RETURNING, then the log row.
  const next = await db.all<Row>("UPDATE change_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision");
  const revision = Number(next[0]?.revision);
  const change: Change = {
    revision,
    ports: [...recorded.ports].sort(),
    servers: [...recorded.servers].sort(),
    subnets: [...recorded.subnets].sort(),
    at,
  };
  await db.run("INSERT INTO change_log (revision, ports, servers, subnets, committed_at) VALUES (?, ?, ?, ?, ?)", [
    revision,
    JSON.stringify(change.ports),
    JSON.stringify(change.servers),
    JSON.stringify(change.subnets),
    at,
  ]);
  if (revision % PRUNE_EVERY === 0) {
    await db.run("DELETE FROM change_log WHERE revision <= ?", [revision - RETAINED_CHANGES]);
  }
  recorded.clear();
  return change;
}

/**
 * PostgreSQL: the same steps as one statement (one round trip instead of four): the counter's UPDATE … RETURNING
 * takes the row lock and the new revision, the log row and the notification use it. `db.all` would first send the
 * deferred writes on their own; taking them here makes them part of this statement instead.
 */
async function writeChangeInOneStatement(db: SqlExecutor, recorded: ChangeRecorder, at: string): Promise<Change> {
  const ports = [...recorded.ports].sort();
  const servers = [...recorded.servers].sort();
  const subnets = [...recorded.subnets].sort();
  // Writes the unit of work held back (deferred-writes.ts) lead this statement: one round trip for all of them.
  const held = db.deferred?.take() ?? { ctes: [], params: [] };
  const rows = await db.all<Row>(
    `WITH ${[
      ...held.ctes,
      "next AS (UPDATE change_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision)",
      `logged AS (INSERT INTO change_log (revision, ports, servers, subnets, committed_at)
         SELECT revision, ?, ?, ?, ? FROM next)`,
    ].join(",\n")}
     SELECT revision, pg_notify(?, revision::text) FROM next`,
    [...held.params, JSON.stringify(ports), JSON.stringify(servers), JSON.stringify(subnets), at, CHANGE_CHANNEL],
  );
  const revision = Number(rows[0]?.revision);
  if (revision % PRUNE_EVERY === 0) {
    await db.run("DELETE FROM change_log WHERE revision <= ?", [revision - RETAINED_CHANGES]);
  }
  recorded.clear();
  return { revision, ports, servers, subnets, at };
}

export async function changesSince(db: SqlExecutor, revision: number, limit: number): Promise<Change[]> {
  const rows = await db.all<Row>(
    "SELECT revision, ports, servers, subnets, committed_at FROM change_log WHERE revision > ? ORDER BY revision LIMIT ?",
    [revision, limit],
  );
  return rows.map((row) => ({
    revision: Number(row.revision),
    ports: JSON.parse(String(row.ports)) as string[],
    servers: JSON.parse(String(row.servers)) as string[],
    subnets: JSON.parse(String(row.subnets)) as string[],
    at: String(row.committed_at),
  }));
}

export async function currentRevision(db: SqlExecutor): Promise<number> {
  const rows = await db.all<Row>("SELECT revision FROM change_revision WHERE id = 1");
  return Number(rows[0]?.revision ?? 0);
}
