import pg from "pg";
import type { ChangeFeed } from "../change-feed.js";
import { type ConflictReason, StoreConflictError, uniqueConstraintName } from "../errors.js";
import { withConflictRetry } from "../retry.js";
import {
  CHANGE_CHANNEL,
  changesSince,
  currentRevision,
  type FlushedChange,
  revisionOfQueued,
  sequenceQueued,
} from "../sql/change-log.js";
import { withDeferredWrites } from "../sql/deferred-writes.js";
import { type SqlExecutor, storeStatements } from "../sql/executor.js";
import { withFaultInjection } from "../sql/fault-injection.js";
import { applyMigrations, currentSchemaVersion } from "../sql/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../sql/migrations.js";
import { SqlUnitOfWork } from "../sql/unit-of-work.js";
import type { Store, Tx } from "../store.js";
import { PostgresChangeFeed } from "./change-follower.js";
import { pgTimeouts } from "./timeouts.js";

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  /** Bring the schema up to date on open (default true); `ecs-vip check` opens without, to report the version. */
  migrate?: boolean;
  /**
   * Every session read-only (`default_transaction_read_only`, no migration), and the server reached once on open so
   * an unreachable server or missing database fails here. `ecs-vip check` opens stores this way.
   */
  readOnly?: boolean;
}

/**
 * SQLSTATEs that mean "another transaction won the race; re-run the unit of work against fresh data": serialization
 * failure, deadlock, unique violation (someone inserted the same key first) and foreign key violation (someone
 * deleted the parent row, or added a child to the row being deleted, after this transaction read it).
 */
const CONFLICT_CODES: ReadonlyMap<string, ConflictReason> = new Map([
  ["40001", "serialization"],
  ["40P01", "deadlock"],
  ["23505", "unique"],
  ["23503", "foreign-key"],
]);
/** How often a store refreshes planner statistics itself, where the server's autovacuum is off. */
const ANALYZE_EVERY_MS = 30_000;
/** Key of the advisory lock that lets only one of several starting processes migrate. */
const MIGRATION_LOCK_KEY = 7_262_024_001;

/** Rewrites `?` placeholders to `$1…$n`; the shared SQL never has `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Each distinct statement gets a name, so every pooled connection parses and plans it once and then only binds and
 * executes it. Id lists are one array parameter (see sql/dialect.ts), so a list's length never makes a new statement;
 * optional filters still combine into many shapes, so only the first MAX_NAMED_STATEMENTS distinct texts get a name
 * and any later one runs unnamed (parsed each time). That bounds what each connection holds, whatever callers send.
 */
export const MAX_NAMED_STATEMENTS = 200;
const preparedStatements = new Map<string, { name: string; text: string }>();
/** Schema statements (migrations) run unnamed: a plan must never outlive the schema it was made for. */
const DATA_STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

function prepared(sql: string, values: readonly unknown[]): pg.QueryConfig {
  if (!DATA_STATEMENT.test(sql)) return { text: numberPlaceholders(sql), values: values as unknown[] };
  let statement = preparedStatements.get(sql);
  if (!statement) {
    if (preparedStatements.size >= MAX_NAMED_STATEMENTS)
      return { text: numberPlaceholders(sql), values: values as unknown[] };
    statement = { name: `ecs_vip_${preparedStatements.size}`, text: numberPlaceholders(sql) };
    preparedStatements.set(sql, statement);
  }
  return { ...statement, values: values as unknown[] };
}

class PgExecutor implements SqlExecutor {
  readonly dialect = "postgres" as const;

  constructor(private readonly client: pg.PoolClient) {}

  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    storeStatements.count++;
    try {
      return (await this.client.query(prepared(sql, params))).rows as R[];
    } catch (error) {
      throw classify(error);
    }
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    storeStatements.count++;
    try {
      return (await this.client.query(prepared(sql, params))).rowCount ?? 0;
    } catch (error) {
      throw classify(error);
    }
  }
}

/** A Tx outside any transaction that runs one read-only statement, and refuses a second (it would see another snapshot). */
function singleStatementTx(client: pg.PoolClient): Tx {
  const executor = new PgExecutor(client);
  let used = false;
  const once = () => {
    if (used) throw new Error("a single-statement read ran a second statement");
    used = true;
  };
  const refuse = async (): Promise<number> => {
    throw new Error("a single-statement read cannot write");
  };
  return new SqlUnitOfWork({
    dialect: "postgres",
    all: <R>(sql: string, params?: readonly unknown[]) => {
      once();
      return executor.all<R>(sql, params);
    },
    run: refuse,
  });
}

/** `Key (network_id, ip_address)=(…) already exists.` on table fixed_ips → `fixed_ips(network_id, ip_address)`. */
function pgUniqueConstraint(error: { table?: string; detail?: string; constraint?: string }): string | undefined {
  const columns = /^Key \(([^)]*)\)=/.exec(error.detail ?? "")?.[1];
  if (error.table === undefined || columns === undefined) return error.constraint;
  return uniqueConstraintName(
    error.table,
    columns.split(",").map((column) => column.trim()),
  );
}

function classify(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const reason = code === undefined ? undefined : CONFLICT_CODES.get(code);
  if (reason === undefined) return error;
  const constraint = reason === "unique" ? pgUniqueConstraint(error as { table?: string; detail?: string }) : undefined;
  return new StoreConflictError((error as Error).message, constraint, reason);
}

/**
 * Brings the schema up to date. Several processes may start at once: a session-level advisory lock (the one
 * PostgreSQL-specific statement of this store) lets one of them migrate while the others wait, then find nothing to do.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query("BEGIN");
      await applyMigrations(new PgExecutor(client), () => new Date().toISOString());
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    // Closing the session also frees the advisory lock, whatever happened above.
    client.release(true);
  }
}

/**
 * PostgreSQL for several server processes on one database. Every unit of work is a READ COMMITTED transaction that
 * locks the rows its decision rests on (SELECT … FOR UPDATE); uniqueness lives in constraints, and a unit of work
 * that loses a race (unique or foreign key violation, serialization failure, deadlock) is re-run with a jittered
 * backoff. Apart from the advisory lock around migrations, every statement is the shared portable SQL of SqlUnitOfWork.
 */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  private readonly feed: PostgresChangeFeed;
  private analyzer?: NodeJS.Timeout;
  private wroteSinceAnalyze = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.feed = new PostgresChangeFeed(url, {
      since: (revision, limit) => this.withClient((client) => changesSince(new PgExecutor(client), revision, limit)),
      current: () => this.withClient((client) => currentRevision(new PgExecutor(client))),
      sequence: () => this.inTransaction((executor) => sequenceQueued(executor)),
      revisionOf: (queueId) => this.withClient((client) => revisionOfQueued(new PgExecutor(client), queueId)),
      // Its own little transaction, outside the writes: a NOTIFY holds a database-wide lock from before its COMMIT
      // until after, so notifying inside every write would make commits wait for each other's WAL flush. It writes
      // nothing worth a flush (synchronous_commit off), and one simple-protocol query is one round trip.
      notify: async () => {
        await this.pool.query(
          `BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('${CHANGE_CHANNEL}', ''); COMMIT`,
        );
      },
    });
  }

  get changes(): ChangeFeed {
    return this.feed;
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /** `work` in a write transaction of its own, committed (or rolled back) here. */
  private async inTransaction<T>(work: (executor: PgExecutor) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const result = await work(new PgExecutor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      ...pgTimeouts(options.url),
      // JIT compiles a plan anew on every execution: with tables of some tens of thousands of rows the planner's
      // estimates for the port reads (correlated subqueries) pass jit_above_cost, and one read cost 1.3 s of JIT
      // for 1 ms of work (server creation at 80,000 ports). Short OLTP statements never gain from it.
      options: `-c jit=off${options.readOnly ? " -c default_transaction_read_only=on" : ""}`,
    });
    pool.on("error", () => undefined);
    try {
      if (options.readOnly) await pool.query("SELECT 1");
      else if (options.migrate !== false) await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const store = new PostgresStore(pool, options.url);
    // A read-only store (check) may face a database without the change log, and follows no changes anyway.
    if (options.migrate !== false && !options.readOnly) {
      await store.feed.start();
      await store.keepStatisticsFresh();
    }
    return store;
  }

  /**
   * With the server's autovacuum off, nothing refreshes the planner's statistics, and a plan cached while the
   * tables were small stays cached (nothing invalidates it) once they have grown: the MAC check of a 50,000-port
   * network then scanned the network's ports, and creating servers ran 11× slower than after an ANALYZE. So where
   * autovacuum is off, the store analyzes its database itself, every ANALYZE_EVERY_MS while it writes.
   */
  private async keepStatisticsFresh(): Promise<void> {
    const setting = await this.pool.query("SELECT current_setting('autovacuum') AS autovacuum");
    if (setting.rows[0]?.autovacuum !== "off") return;
    this.analyzer = setInterval(() => {
      if (!this.wroteSinceAnalyze) return;
      this.wroteSinceAnalyze = false;
      this.pool.query("ANALYZE").catch(() => undefined);
    }, ANALYZE_EVERY_MS);
    this.analyzer.unref();
  }

  private async once<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection whose ROLLBACK failed is in an unknown state: it leaves the pool instead of serving the next request.
    let broken: Error | undefined;
    let released = false;
    try {
      storeStatements.count++;
      await client.query(begin).catch((error: unknown) => {
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      });
      let change: FlushedChange | undefined;
      let result: T;
      try {
        const executor = withDeferredWrites(withFaultInjection(new PgExecutor(client)));
        const tx = new SqlUnitOfWork(executor);
        result = await work(tx);
        change = await tx.flushChanges(new Date().toISOString());
        await executor.deferred?.flush();
        storeStatements.count++;
        await client.query("COMMIT").catch((error: unknown) => {
          throw classify(error);
        });
      } catch (error) {
        storeStatements.count++;
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
      client.release();
      released = true;
      // Answered once this process's subscribers have seen the change (the data plane applies it there).
      if (change && "queueId" in change) await this.feed.committed(change.queueId);
      return result;
    } finally {
      if (!released) client.release(broken);
    }
  }

  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await withConflictRetry(() => this.once("BEGIN", work));
    this.wroteSinceAnalyze = true;
    return result;
  }

  read<T>(work: (tx: Tx) => Promise<T>, options?: { single?: boolean }): Promise<T> {
    if (options?.single) return withConflictRetry(() => this.withClient((client) => work(singleStatementTx(client))));
    return withConflictRetry(() => this.once("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", work));
  }

  async schemaVersion(): Promise<{ current: number; latest: number }> {
    const client = await this.pool.connect();
    try {
      return { current: await currentSchemaVersion(new PgExecutor(client)), latest: LATEST_SCHEMA_VERSION };
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.analyzer);
    await this.feed.stop();
    await this.pool.end();
  }
}
