import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { SqlExecutor } from "../sql/executor.js";
import { applyMigrations, currentSchemaVersion } from "../sql/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../sql/migrations.js";
import { SqlTx } from "../sql/sql-tx.js";
import type { Store, Tx } from "../store.js";
import { SerialQueue } from "./serial-queue.js";

export type SqliteSynchronous = "full" | "normal";

export interface SqliteStoreOptions {
  path: string;
  /** FULL fsyncs every commit (survives power loss); NORMAL survives process crashes only. */
  synchronous?: SqliteSynchronous;
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
    return this.prepare(sql).all(...params) as R[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.prepare(sql).run(...params).changes;
  }
}

/**
 * SQLite on disk in WAL mode. better-sqlite3 is synchronous and one connection can hold one transaction, so units
 * of work run one after another through a queue; that queue is also where commits of waiting writers can be grouped.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly executor: SqliteExecutor;
  private readonly tx: SqlTx;
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(private readonly db: Database.Database) {
    this.executor = new SqliteExecutor(db);
    this.tx = new SqlTx(this.executor);
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const store = new SqliteStore(db);
    await store.write(async () => {
      await applyMigrations(store.executor, () => new Date().toISOString());
    });
    return store;
  }

  private run<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue.enqueue(async () => {
      if (this.closed) throw new Error("store is closed");
      this.db.exec(begin);
      try {
        const result = await work(this.tx);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run("BEGIN IMMEDIATE", work);
  }

  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run("BEGIN", work);
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
      this.db.close();
    });
  }
}
