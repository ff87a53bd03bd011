import pg from "pg";
import type { ChangeFeed } from "../change-feed.js";
import { StoreUnavailableError } from "../errors.js";
import { withConflictRetry } from "../retry.js";
import {
  CHANGE_CHANNEL,
  currentRevision,
  type FlushedChange,
  queuedChangesSince,
  revisionOfQueued,
  sequenceQueued,
} from "../sql/change-log.js";
import { withDeferredWrites } from "../sql/deferred-writes.js";
import { storeStatements } from "../sql/executor.js";
import { withFaultInjection } from "../sql/fault-injection.js";
import { applyMigrations, currentSchemaVersion } from "../sql/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../sql/migrations.js";
import { SqlUnitOfWork } from "../sql/unit-of-work.js";
import type { Store, Tx } from "../store.js";
import { PostgresChangeFeed } from "./change-follower.js";
import { unavailability } from "./connection-failures.js";
import { type HostedClient, PostgresConnector } from "./connector.js";
import { durabilityWarning } from "./durability-check.js";
import { classify } from "./pg-errors.js";
import { PgExecutor } from "./pg-executor.js";
import { withReconnect } from "./reconnect.js";

export { MAX_NAMED_STATEMENTS, numberPlaceholders } from "./pg-executor.js";

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

/** How often a store refreshes planner statistics itself, where the server's autovacuum is off. */
const ANALYZE_EVERY_MS = 30_000;
/** Key of the advisory lock that lets only one of several starting processes migrate. */
const MIGRATION_LOCK_KEY = 7_262_024_001;

/**
 * A Tx outside any transaction that runs one read-only statement through `read`, and refuses a second (it would see
 * another snapshot).
 */
function singleStatementTx(read: <R>(sql: string, params: readonly unknown[]) => Promise<R[]>): Tx {
  let used = false;
  const refuse = async (): Promise<number> => {
    throw new Error("a single-statement read cannot write");
  };
  return new SqlUnitOfWork({
    dialect: "postgres",
    all: <R>(sql: string, params: readonly unknown[] = []) => {
      if (used) throw new Error("a single-statement read ran a second statement");
      used = true;
      return read<R>(sql, params);
    },
    run: refuse,
  });
}

/**
 * Brings the schema up to date. Several processes may start at once: a session-level advisory lock (the one
 * PostgreSQL-specific statement of this store) lets one of them migrate while the others wait, then find nothing to do.
 */
async function migrate(pool: pg.Pool, connector: PostgresConnector): Promise<void> {
  const client = await connector.acquire(pool);
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
  /** Single-statement reads waiting for a connection, by statement and values (see `sharedRead`). */
  private readonly waitingReads = new Map<string, Promise<Record<string, unknown>[]>>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connector: PostgresConnector,
  ) {
    this.feed = new PostgresChangeFeed(() => connector.dedicated(), {
      since: (revision, limit) =>
        this.withClient((client) => queuedChangesSince(new PgExecutor(client), revision, limit)),
      current: () => this.withClient((client) => currentRevision(new PgExecutor(client))),
      // Its last statement carries the COMMIT: two round trips.
      sequence: () => this.inTransaction((executor) => sequenceQueued(executor, () => executor.commitWithNext())),
      revisionOf: (queueId) => this.withClient((client) => revisionOfQueued(new PgExecutor(client), queueId)),
      // Its own little transaction, outside the writes: a NOTIFY holds a database-wide lock from before its COMMIT
      // until after, so notifying inside every write would make commits wait for each other's WAL flush. It writes
      // nothing worth a flush: one prepared statement in a transaction of its own, synchronous_commit off for it
      // (set_config's local value lasts until that transaction's commit), one round trip.
      notify: () =>
        this.withClient(async (client) => {
          await new PgExecutor(client).all("SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, '')", [
            CHANGE_CHANNEL,
          ]);
        }),
    });
  }

  get changes(): ChangeFeed {
    return this.feed;
  }

  /** `work` on a pooled connection; a connection that failed under it leaves the pool. */
  private async withClient<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    /** Whether `work` may run again after its connection failed (it only reads). */
    options: { retryable?: boolean } = {},
  ): Promise<T> {
    const client = await this.connector.acquire(this.pool);
    let failure: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      failure = this.connectionFailure(client, error instanceof StoreUnavailableError ? error.cause : error);
      throw classify(error, options);
    } finally {
      client.release(failure);
    }
  }

  /**
   * The error, when it says the connection is unusable (broken, or on a node that turned read-only: the next
   * connection then goes to the next host); undefined for any other failure, which leaves the connection sound.
   */
  private connectionFailure(client: HostedClient, error: unknown): Error | undefined {
    const reason = unavailability(error);
    if (reason === undefined) return undefined;
    if (reason === "read-only") this.connector.failed(client);
    return error instanceof Error ? error : new Error(String(error));
  }

  /** `work` in a write transaction of its own, committed (or rolled back) here. */
  private async inTransaction<T>(work: (executor: PgExecutor) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const executor = new PgExecutor(client, "BEGIN");
      try {
        const result = await work(executor);
        await executor.commit();
        return result;
      } catch (error) {
        if (executor.began) await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const connector = new PostgresConnector(
      options.url,
      // JIT compiles a plan anew on every execution: with tables of some tens of thousands of rows the planner's
      // estimates for the port reads (correlated subqueries) pass jit_above_cost, and one read cost 1.3 s of JIT
      // for 1 ms of work (server creation at 80,000 ports). Short OLTP statements never gain from it.
      `-c jit=off${options.readOnly ? " -c default_transaction_read_only=on" : ""}`,
      options.readOnly,
    );
    const pool = new pg.Pool(connector.poolConfig(options.poolSize ?? 10));
    // An idle connection that dies is dropped by the pool; the next unit of work makes a new one.
    pool.on("error", () => undefined);
    try {
      if (options.readOnly) {
        const client = await connector.acquire(pool);
        client.release();
      } else if (options.migrate !== false) {
        await migrate(pool, connector);
        const warning = await durabilityWarning(pool, connector).catch(() => undefined);
        if (warning) process.stderr.write(`ecs-vip: warning: ${warning}\n`);
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const store = new PostgresStore(pool, connector);
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
    const setting = await this.withClient((client) =>
      client.query("SELECT current_setting('autovacuum') AS autovacuum"),
    );
    if (setting.rows[0]?.autovacuum !== "off") return;
    this.analyzer = setInterval(() => {
      if (!this.wroteSinceAnalyze) return;
      this.wroteSinceAnalyze = false;
      this.withClient((client) => client.query("ANALYZE")).catch(() => undefined);
    }, ANALYZE_EVERY_MS);
    this.analyzer.unref();
  }

  private async once<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.connector.acquire(this.pool);
    // A connection whose ROLLBACK failed is in an unknown state: it leaves the pool instead of serving the next request.
    let broken: Error | undefined;
    let released = false;
    // BEGIN goes out with the first statement, COMMIT with the change record (pg-executor.ts).
    const statements = new PgExecutor(client, begin);
    try {
      let change: FlushedChange | undefined;
      let result: T;
      try {
        const executor = withDeferredWrites(withFaultInjection(statements));
        const tx = new SqlUnitOfWork(executor);
        result = await work(tx);
        statements.commitWithNext();
        change = await tx.flushChanges(new Date().toISOString());
        await executor.deferred?.flush();
        await statements.commit();
      } catch (error) {
        // A connection that failed is not asked to roll back (on a dead socket that could wait for a timeout): it
        // is dropped, and the server rolls back what it never saw committed.
        broken = this.connectionFailure(client, error instanceof StoreUnavailableError ? error.cause : error);
        if (broken === undefined && statements.began) {
          storeStatements.count++;
          await client.query("ROLLBACK").catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
        }
        // Before COMMIT was sent the unit of work cannot have committed; after, its outcome is unknown.
        throw classify(error, { retryable: !statements.commitSent });
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
    const result = await withReconnect(() => withConflictRetry(() => this.once("BEGIN", work)));
    this.wroteSinceAnalyze = true;
    return result;
  }

  /**
   * One read-only statement, its answer shared with every caller that asks for the same statement with the same
   * values before it is sent: sent after each of them asked, it sees every commit that preceded any of their asks,
   * as a read of their own would. Under load many requests wait for a pooled connection at once, each to read the
   * identity revision (every token's request does, authenticate.ts); they then cost one round trip, not one each. A
   * caller that asks once the statement is on its way waits for a read of its own.
   */
  private async sharedRead<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    const waiting = this.waitingReads.get(key);
    // Each caller gets rows of its own: what one does with them is no other's concern.
    if (waiting) return (await waiting).map((row) => ({ ...row }) as R);
    const read = this.withClient(
      (client) => {
        this.waitingReads.delete(key);
        return new PgExecutor(client).all<Record<string, unknown>>(sql, params);
      },
      // A read changes nothing: whatever broke under it, running it again is safe.
      { retryable: true },
    );
    this.waitingReads.set(key, read);
    try {
      return (await read) as R[];
    } finally {
      // A read that failed before it had a connection leaves the map here.
      if (this.waitingReads.get(key) === read) this.waitingReads.delete(key);
    }
  }

  read<T>(work: (tx: Tx) => Promise<T>, options?: { single?: boolean }): Promise<T> {
    if (options?.single) {
      return withReconnect(() =>
        withConflictRetry(() => work(singleStatementTx((sql, params) => this.sharedRead(sql, params)))),
      );
    }
    return withReconnect(() =>
      withConflictRetry(() => this.once("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", work)),
    );
  }

  async schemaVersion(): Promise<{ current: number; latest: number }> {
    return this.withClient(async (client) => ({
      current: await currentSchemaVersion(new PgExecutor(client)),
      latest: LATEST_SCHEMA_VERSION,
    }));
  }

  async close(): Promise<void> {
    clearInterval(this.analyzer);
    await this.feed.stop();
    await this.pool.end();
  }
}
