import type { Change, ChangeRecorder } from "../change-feed.js";
import { dialectOf } from "./dialect.js";
import type { SqlExecutor } from "./executor.js";

/** PostgreSQL channel a process notifies after its commits, so other processes follow without polling. */
export const CHANGE_CHANNEL = "ecs_vip_changes";
/** PostgreSQL sequence numbering queued changes (created by migration 12 on PostgreSQL only). */
export const CHANGE_QUEUE_SEQUENCE = "change_queue_ids";
/** How many changes the log keeps; older ones are pruned every PRUNE_EVERY revisions. */
const RETAINED_CHANGES = 10_000;
const PRUNE_EVERY = 1_000;
/** Queued changes one sequencing transaction numbers at most. */
const SEQUENCE_BATCH = 1_000;

type Row = Record<string, unknown>;

/** What a unit of work's commit carries: its change with a revision (SQLite), or its place in the queue (PostgreSQL). */
export type FlushedChange = Change | { queueId: number };

/**
 * Records the ids the unit of work touched, inside its transaction and as its last statement.
 *
 * `lockedOnly`: ports it locked without writing them (PostgreSQL). Their rows get a new version (an UPDATE that
 * changes no value) in that same statement, so that whoever waited for those locks sees a new xmin and reads again
 * what this unit of work wrote elsewhere (see `PortsSql.select`); a unit of work that records no change (it wrote
 * nothing the locking reads read) leaves them be.
 *
 * SQLite takes the next revision at once: writers never overlap there.
 *
 * PostgreSQL queues the change instead (`change_queue`, numbered by a sequence, no lock). A revision counter
 * written by every unit of work would be locked from that statement until its COMMIT had reached the disk, so
 * commits would follow one another, each with its own WAL flush: one process could not commit faster than the
 * disk syncs, and a second one not at all. Queued changes get their revisions afterwards, from `sequenceQueued`.
 */
export async function writeChange(
  db: SqlExecutor,
  recorded: ChangeRecorder,
  at: string,
  lockedOnly: readonly string[] = [],
): Promise<FlushedChange | undefined> {
  if (recorded.empty) return undefined;
  const ports = [...recorded.ports].sort();
  const servers = [...recorded.servers].sort();
  const subnets = [...recorded.subnets].sort();
  recorded.clear();
  if (dialectOf(db.dialect).rowLocks) return queueChange(db, { ports, servers, subnets, at }, [...lockedOnly].sort());
  // SQLite has no data-modifying WITH: the counter's UPDATE … RETURNING, then the log row.
  const next = await db.all<Row>("UPDATE change_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision");
  const revision = Number(next[0]?.revision);
  await db.run("INSERT INTO change_log (revision, ports, servers, subnets, committed_at) VALUES (?, ?, ?, ?, ?)", [
    revision,
    JSON.stringify(ports),
    JSON.stringify(servers),
    JSON.stringify(subnets),
    at,
  ]);
  await prune(db, revision, 1);
  return { revision, ports, servers, subnets, at };
}

/**
 * PostgreSQL: one statement; the writes the unit of work held back (deferred-writes.ts) lead it, so they and the
 * queued change are one round trip. `db.all` would first send those writes on their own; taking them here makes them
 * part of this statement instead.
 */
async function queueChange(
  db: SqlExecutor,
  change: Omit<Change, "revision">,
  lockedOnly: string[],
): Promise<{ queueId: number }> {
  const held = db.deferred?.take() ?? { ctes: [], params: [] };
  const touched =
    lockedOnly.length === 0
      ? []
      : ["touched AS (UPDATE ports SET revision_number = revision_number WHERE id = ANY(?))"];
  const rows = await db.all<Row>(
    `WITH ${[
      ...held.ctes,
      ...touched,
      `queued AS (INSERT INTO change_queue (id, ports, servers, subnets, committed_at)
         VALUES (nextval('${CHANGE_QUEUE_SEQUENCE}'), ?, ?, ?, ?) RETURNING id)`,
    ].join(",\n")}
     SELECT id FROM queued`,
    [
      ...held.params,
      ...(lockedOnly.length === 0 ? [] : [lockedOnly]),
      JSON.stringify(change.ports),
      JSON.stringify(change.servers),
      JSON.stringify(change.subnets),
      change.at,
    ],
  );
  return { queueId: Number(rows[0]?.id) };
}

/**
 * PostgreSQL: gives the committed queued changes the next revisions, in queue order, inside the caller's
 * transaction (which must be a write): the counter row is locked first, so sequencers of several processes take
 * turns, and the next statement (a fresh snapshot under READ COMMITTED) sees every change committed before the lock
 * was granted. Queue order keeps cause before effect: a unit of work that saw another's writes queued its change
 * after that one had committed. That second statement numbers, logs, counts and prunes at once; `beforeLast` runs
 * just before it is sent (the store lets it carry the COMMIT). Answers how many changes got a revision.
 */
export async function sequenceQueued(db: SqlExecutor, beforeLast: () => void = () => undefined): Promise<number> {
  const locked = await db.all<Row>("SELECT revision FROM change_revision WHERE id = 1 FOR UPDATE");
  const last = Number(locked[0]?.revision ?? 0);
  beforeLast();
  const rows = await db.all<Row>(
    `WITH taken AS (DELETE FROM change_queue WHERE id IN (SELECT id FROM change_queue ORDER BY id LIMIT ?)
         RETURNING id, ports, servers, subnets, committed_at),
       numbered AS (SELECT taken.*, ?::bigint + row_number() OVER (ORDER BY id) AS revision FROM taken),
       logged AS (INSERT INTO change_log (revision, queue_id, ports, servers, subnets, committed_at)
         SELECT revision, id, ports, servers, subnets, committed_at FROM numbered),
       counted AS (UPDATE change_revision SET revision = ?::bigint + (SELECT count(*) FROM numbered) WHERE id = 1),
       pruned AS (DELETE FROM change_log
         WHERE div(?::bigint + (SELECT count(*) FROM numbered), ${PRUNE_EVERY}) > div(?::bigint, ${PRUNE_EVERY})
           AND revision <= ?::bigint + (SELECT count(*) FROM numbered) - ${RETAINED_CHANGES})
     SELECT count(*) AS sequenced FROM numbered`,
    [SEQUENCE_BATCH, last, last, last, last, last],
  );
  return Number(rows[0]?.sequenced ?? 0);
}

/** The revision a queued change got, once sequenced (and while the log keeps it). */
export async function revisionOfQueued(db: SqlExecutor, queueId: number): Promise<number | undefined> {
  const rows = await db.all<Row>("SELECT revision FROM change_log WHERE queue_id = ?", [queueId]);
  return rows[0] ? Number(rows[0].revision) : undefined;
}

/** Drops old changes each time the revision passes a multiple of PRUNE_EVERY (`added` revisions just taken). */
async function prune(db: SqlExecutor, revision: number, added: number): Promise<void> {
  if (added > 0 && Math.floor(revision / PRUNE_EVERY) > Math.floor((revision - added) / PRUNE_EVERY)) {
    await db.run("DELETE FROM change_log WHERE revision <= ?", [revision - RETAINED_CHANGES]);
  }
}

export async function changesSince(db: SqlExecutor, revision: number, limit: number): Promise<Change[]> {
  return (await queuedChangesSince(db, revision, limit)).map((logged) => logged.change);
}

/** A logged change and, on PostgreSQL, its place in the queue it came from (null where it was never queued). */
export interface LoggedChange {
  change: Change;
  queueId: number | null;
}

export async function queuedChangesSince(db: SqlExecutor, revision: number, limit: number): Promise<LoggedChange[]> {
  const rows = await db.all<Row>(
    "SELECT revision, queue_id, ports, servers, subnets, committed_at FROM change_log WHERE revision > ? ORDER BY revision LIMIT ?",
    [revision, limit],
  );
  return rows.map((row) => ({
    change: {
      revision: Number(row.revision),
      ports: JSON.parse(String(row.ports)) as string[],
      servers: JSON.parse(String(row.servers)) as string[],
      subnets: JSON.parse(String(row.subnets)) as string[],
      at: String(row.committed_at),
    },
    queueId: row.queue_id === null || row.queue_id === undefined ? null : Number(row.queue_id),
  }));
}

export async function currentRevision(db: SqlExecutor): Promise<number> {
  const rows = await db.all<Row>("SELECT revision FROM change_revision WHERE id = 1");
  return Number(rows[0]?.revision ?? 0);
}
