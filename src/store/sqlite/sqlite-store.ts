import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type Change, type ChangeFeed, ChangeHub, type ChangeListener } from "../change-feed.js";
import { StoreConflictError, StoreUnavailableError, uniqueConstraintName } from "../errors.js";
import { withConflictRetry } from "../retry.js";
import { changesSince, currentRevision } from "../sql/change-log.js";
import { type SqlExecutor, storeStatements } from "../sql/executor.js";
import { withFaultInjection } from "../sql/fault-injection.js";
import { applyMigrations, currentSchemaVersion } from "../sql/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../sql/migrations.js";
import { SqlUnitOfWork } from "../sql/unit-of-work.js";
import type { Store, Tx } from "../store.js";
import { Checkpointer } from "./checkpointer.js";
import { SerialQueue } from "./serial-queue.js";
import { type FsyncFn, WalSync } from "./wal-sync.js";

export type SqliteSynchronous = "full" | "normal";

export interface SqliteStoreOptions {
  path: string;
  /**
   * FULL answers a write once the WAL holding it is fsynced (survives power loss; the fsync runs off the event loop,
   * see wal-sync.ts); NORMAL survives process crashes only.
   */
  synchronous?: SqliteSynchronous;
  /** Bring the schema up to date on open (default true); `ecs-vip check` opens without, to report the version. */
  migrate?: boolean;
  /** Fail instead of creating a new empty database file. */
  mustExist?: boolean;
  /**
   * Open the file read-only (it must exist; no migration): nothing, not even the journal mode, is written, and every
   * write is refused by SQLite itself. `ecs-vip check` opens stores this way.
   */
  readOnly?: boolean;
  /** How the WAL file is fsynced under `synchronous: "full"` (tests inject one to hold or fail it). */
  fsyncWal?: FsyncFn;
}

/** Most units of work one commit may carry; bounds how long the first of them waits for its answer. */
const MAX_COMMIT_GROUP = 64;

interface Reader {
  db: Database.Database;
  tx: SqlUnitOfWork;
  queue: SerialQueue;
  begin: Database.Statement;
  commit: Database.Statement;
}

type Outcome = { ok: true; value: unknown; change?: Change } | { ok: false; error: unknown };

interface PendingWrite {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

class SqliteExecutor implements SqlExecutor {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    storeStatements.count++;
    try {
      return this.prepare(sql).all(...params) as R[];
    } catch (error) {
      throw classify(error);
    }
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    storeStatements.count++;
    try {
      return this.prepare(sql).run(...params).changes;
    } catch (error) {
      throw classify(error);
    }
  }
}

/** `UNIQUE constraint failed: fixed_ips.network_id, fixed_ips.ip_address` → `fixed_ips(network_id, ip_address)`. */
function sqliteUniqueConstraint(message: string): string | undefined {
  const match = /constraint failed: (.+)$/.exec(message);
  if (!match?.[1]) return undefined;
  const qualified = match[1].split(",").map((column) => column.trim().split("."));
  const table = qualified[0]?.[0];
  if (!table || qualified.some((parts) => parts.length !== 2 || parts[0] !== table)) return undefined;
  return uniqueConstraintName(
    table,
    qualified.map((parts) => parts[1] as string),
  );
}

/**
 * Surfaces a broken constraint exactly as the PostgreSQL store does: a unique or primary key violation, or a
 * foreign key to a missing row, is a StoreConflictError (the unit of work is retried, then reported as busy).
 */
function classify(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new StoreConflictError(message, sqliteUniqueConstraint(message), "unique");
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return new StoreConflictError(message, undefined, "foreign-key");
  return error;
}

/**
 * A write that failed for want of disk space (SQLITE_FULL, or the OS's ENOSPC under another code): SQLite rolled the
 * transaction back and the database is intact, so it is "unavailable for now", answered as a 503, not a bug. Reads
 * go on; writes work again once there is space.
 */
function diskFull(error: unknown): StoreUnavailableError | undefined {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== "SQLITE_FULL" && !/database or disk is full|ENOSPC/.test(message)) return undefined;
  return new StoreUnavailableError(`SQLite: ${message}`, "disk-full", { cause: error });
}

/**
 * SQLite on disk in WAL mode. better-sqlite3 is synchronous and one connection can hold one transaction, so units
 * of work run one after another through a queue, and writes waiting together share one commit (group commit).
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly executor: SqlExecutor;
  private readonly tx: SqlUnitOfWork;
  private readonly queue = new SerialQueue();
  private readonly pendingWrites: PendingWrite[] = [];
  private closed = false;
  /** Checkpoints the WAL on a thread of its own (files on disk that this store may write). */
  private checkpointer: Checkpointer | undefined;
  private readonly hub = new ChangeHub();
  readonly changes: ChangeFeed;

  /** Transaction control and pragma statements, prepared once: `exec` and `pragma` parse their text on every call. */
  private readonly controls = new Map<string, Database.Statement>();
  /** Whether the connection was opened query-only (a read-only store); read transactions switch it on otherwise. */
  private readonly queryOnly: boolean;
  /**
   * A second, read-only connection to the same file (WAL lets it read the last commit while a group is being
   * written), so reads neither wait for a group's commit nor toggle query_only; none for `:memory:`.
   */
  private reader: Reader | undefined;
  /**
   * Under `synchronous: "full"` on a file: the fsync of each commit, moved off the event loop (the connection itself
   * commits under NORMAL). Nothing a commit wrote is answered, to a writer or a reader, before it is durable.
   */
  private walSync: WalSync | undefined;
  /** A group was due while a commit already waited for the next fsync: it starts when that fsync does. */
  private groupAwaitsFsync = false;
  /** `PRAGMA data_version` on this connection: it changes when another connection (another process) commits. */
  private readonly dataVersion: Database.Statement;
  private lastDataVersion: unknown;
  /** Raised when this process commits an identity change, or another connection commits anything. */
  private identityEpoch = 0;

  private control(sql: string): void {
    let statement = this.controls.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.controls.set(sql, statement);
    }
    statement.run();
  }

  private constructor(private readonly db: Database.Database) {
    this.queryOnly = db.pragma("query_only", { simple: true }) === 1;
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
    this.lastDataVersion = this.dataVersion.get();
    this.executor = withFaultInjection(new SqliteExecutor(db));
    this.tx = new SqlUnitOfWork(this.executor);
    this.changes = {
      currentRevision: () => this.afterDurable(this.queue.enqueue(() => currentRevision(this.executor))),
      since: (revision: number, limit = 1000) =>
        this.afterDurable(this.queue.enqueue(() => changesSince(this.executor, revision, limit))),
      subscribe: (listener: ChangeListener) => this.hub.subscribe(listener),
    };
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    if (options.readOnly) {
      const db = new Database(options.path, { readonly: true, fileMustExist: true });
      db.pragma("query_only = ON");
      db.pragma("busy_timeout = 5000");
      try {
        // Reads the whole schema, so a file too damaged to use fails here, as opening it for writing would.
        db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
      } catch (error) {
        db.close();
        throw error;
      }
      return new SqliteStore(db);
    }
    if (options.path !== ":memory:" && !options.mustExist) mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path, { fileMustExist: options.mustExist === true });
    db.pragma("journal_mode = WAL");
    const full = options.synchronous !== "normal";
    const onFile = options.path !== ":memory:";
    // FULL's fsync inside COMMIT would block the event loop; WalSync does it on the thread pool instead.
    db.pragma(`synchronous = ${full && !onFile ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const store = new SqliteStore(db);
    if (full && onFile) {
      const walSync = new WalSync(`${options.path}-wal`, options.fsyncWal);
      walSync.onFsyncStarted = () => {
        if (!store.groupAwaitsFsync) return;
        store.groupAwaitsFsync = false;
        store.scheduleCommitGroup();
      };
      store.walSync = walSync;
    }
    if (options.migrate === false) return store;
    await store.write(async () => {
      await applyMigrations(store.executor, () => new Date().toISOString());
    });
    store.hub.deliveredRevision = await store.changes.currentRevision();
    if (options.path !== ":memory:") {
      // Checkpoints leave the commit path: none in COMMIT on this connection, a worker thread does them instead.
      store.checkpointer = await Checkpointer.start(
        options.path,
        options.synchronous === "normal" ? "NORMAL" : "FULL",
      ).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      db.pragma("wal_autocheckpoint = 0");
      store.openReader(options.path);
    }
    return store;
  }

  private openReader(path: string): void {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    this.reader = {
      db,
      tx: new SqlUnitOfWork(withFaultInjection(new SqliteExecutor(db))),
      queue: new SerialQueue(),
      begin: db.prepare("BEGIN"),
      commit: db.prepare("COMMIT"),
    };
  }

  /**
   * A read on the reader connection: one statement needs no transaction (SQLite reads it from one snapshot), more
   * are wrapped in BEGIN … COMMIT for a snapshot of their own. Reads follow one another on this connection.
   */
  private runOnReader<T>(reader: Reader, work: (tx: Tx) => Promise<T>, single: boolean): Promise<T> {
    return reader.queue.enqueue(async () => {
      if (this.closed) throw new Error("store is closed");
      if (single) return work(reader.tx);
      reader.begin.run();
      try {
        return await work(reader.tx);
      } finally {
        if (reader.db.inTransaction) reader.commit.run();
      }
    });
  }

  /**
   * A read-only transaction: SQLite has no `BEGIN READ ONLY`, so the connection is switched to query_only for its
   * duration and any write inside it fails (SQLITE_READONLY) instead of committing.
   */
  private runReadOnly<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue.enqueue(async () => {
      if (this.closed) throw new Error("store is closed");
      const wasQueryOnly = this.queryOnly;
      if (!wasQueryOnly) this.control("PRAGMA query_only = ON");
      this.control("BEGIN");
      try {
        const result = await work(this.tx);
        this.control("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.control("ROLLBACK");
        throw error;
      } finally {
        if (!wasQueryOnly) this.control("PRAGMA query_only = OFF");
      }
    });
  }

  /**
   * Units of work never interleave here, so a conflict is a fresh MAC that collided or a constraint the caller broke;
   * it is retried like on PostgreSQL (each attempt re-queued), so both stores answer a lost race the same way.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return withConflictRetry(() => this.enqueueWrite(work)).catch((error: unknown) => {
      throw diskFull(error) ?? error;
    });
  }

  private enqueueWrite<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pendingWrites.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.pendingWrites.length === 1) this.scheduleCommitGroup();
    });
  }

  /**
   * The group starts on the event loop's next check phase, not in a microtask: better-sqlite3 blocks the loop while it
   * commits, so requests that arrived meanwhile are all read in the following poll phase and join this group.
   */
  private scheduleCommitGroup(): void {
    setImmediate(() => void this.queue.enqueue(() => this.commitGroup()));
  }

  /**
   * Group commit: every write waiting when the queue reaches this point runs in its own savepoint inside one
   * transaction, and one COMMIT (then one fsync of the WAL under synchronous=FULL) makes them all durable. Each is
   * answered only once durable; one that fails is rolled back to its savepoint alone.
   */
  private async commitGroup(): Promise<void> {
    if (this.walSync?.commitAwaitsFsync && !this.closed) {
      // The loop stays free meanwhile; the writes arriving until that fsync starts join this group.
      this.groupAwaitsFsync = true;
      return;
    }
    const group = this.pendingWrites.splice(0, MAX_COMMIT_GROUP);
    if (this.pendingWrites.length > 0) this.scheduleCommitGroup();
    if (this.closed) {
      for (const unit of group) unit.reject(new Error("store is closed"));
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      this.control("BEGIN IMMEDIATE");
    } catch (error) {
      // No transaction at all (e.g. no space left for the WAL index): every write of the group fails, none waits.
      for (const unit of group) unit.reject(error);
      return;
    }
    let identityChanged = false;
    for (const [index, unit] of group.entries()) {
      this.control("SAVEPOINT unit_of_work");
      this.tx.beginUnitOfWork();
      try {
        const value = await unit.work(this.tx);
        const flushed = await this.tx.flushChanges(new Date().toISOString());
        // SQLite gives the revision at once (writers never overlap here); only PostgreSQL queues changes.
        const change = flushed && "revision" in flushed ? flushed : undefined;
        this.control("RELEASE unit_of_work");
        if (this.tx.identityChanged) identityChanged = true;
        outcomes.push({ ok: true, value, change });
      } catch (error) {
        if (!this.db.inTransaction) {
          // SQLite gave up the whole transaction (I/O error, disk full): nothing of the group is written.
          for (const done of group.slice(0, index + 1)) done.reject(error);
          this.pendingWrites.unshift(...group.slice(index + 1));
          if (this.pendingWrites.length > 0) this.scheduleCommitGroup();
          return;
        }
        this.control("ROLLBACK TO unit_of_work");
        this.control("RELEASE unit_of_work");
        outcomes.push({ ok: false, error });
      }
    }
    try {
      this.control("COMMIT");
    } catch (error) {
      if (this.db.inTransaction) this.control("ROLLBACK");
      for (const unit of group) unit.reject(error);
      return;
    }
    // Only once committed: a stamp taken before must not be paired with a revision read before the commit.
    if (identityChanged) this.identityEpoch++;
    const walSync = this.walSync;
    if (!walSync) {
      this.answer(group, outcomes);
      return;
    }
    // The queue goes on to the next group while this one's fsync runs on the thread pool.
    walSync.whenDurable(walSync.committedOne()).then(
      () => this.answer(group, outcomes),
      (error: unknown) => {
        for (const unit of group) unit.reject(error);
      },
    );
  }

  /**
   * Each write is answered once its change has reached this process's subscribers (the data plane applies it
   * there), outside the queue so that they can read the store meanwhile.
   */
  private answer(group: PendingWrite[], outcomes: Outcome[]): void {
    for (const [index, unit] of group.entries()) {
      const outcome = outcomes[index];
      if (outcome?.ok && outcome.change) {
        const { value } = outcome;
        void this.hub.deliver([outcome.change]).then(() => unit.resolve(value));
      } else if (outcome?.ok) unit.resolve(outcome.value);
      else unit.reject(outcome?.error);
    }
  }

  /** `result`, once every commit it may have read is durable: no answer shows a write that a power cut could undo. */
  private afterDurable<T>(result: Promise<T>): Promise<T> {
    const walSync = this.walSync;
    if (!walSync) return result;
    return result.then((value) => walSync.whenDurable(walSync.lastCommit).then(() => value));
  }

  /**
   * Unchanged while no identity change can have been committed: none by this process's writes, and no commit at all
   * by another connection (another process, the CLI), which SQLite's data_version tells without reading a table.
   */
  identityStamp(): number | undefined {
    if (this.closed) return undefined;
    const version = this.dataVersion.get();
    if (version !== this.lastDataVersion) {
      this.lastDataVersion = version;
      this.identityEpoch++;
    }
    return this.identityEpoch;
  }

  read<T>(work: (tx: Tx) => Promise<T>, options?: { single?: boolean }): Promise<T> {
    const reader = this.reader;
    if (reader)
      return this.afterDurable(withConflictRetry(() => this.runOnReader(reader, work, options?.single === true)));
    return this.afterDurable(withConflictRetry(() => this.runReadOnly(work)));
  }

  async schemaVersion(): Promise<{ current: number; latest: number }> {
    const current = await this.read(() => currentSchemaVersion(this.executor));
    return { current, latest: LATEST_SCHEMA_VERSION };
  }

  /** SQLite's own consistency check of the file; `["ok"]` when sound. */
  async integrityCheck(): Promise<string[]> {
    return this.queue.enqueue(async () =>
      (this.db.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check),
    );
  }

  async close(): Promise<void> {
    await this.queue.enqueue(async () => {
      if (this.closed) return;
      this.closed = true;
      // The checkpointer's connection goes first, so this one closes last and checkpoints what remains.
      await this.checkpointer?.stop();
      await this.walSync?.close();
      if (this.reader) await this.reader.queue.enqueue(async () => this.reader?.db.close());
      this.db.close();
    });
  }
}
