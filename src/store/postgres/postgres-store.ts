import pg from "pg";
import { StoreConflictError } from "../errors.js";
import { withConflictRetry } from "../retry.js";
import type { SqlExecutor } from "../sql/executor.js";
import { applyMigrations, currentSchemaVersion } from "../sql/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../sql/migrations.js";
import { SqlTx } from "../sql/sql-tx.js";
import type { Store, Tx } from "../store.js";

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
}

/** SQLSTATEs that mean "another transaction won the race; re-run the unit of work against fresh data". */
const CONFLICT_CODES = new Set(["40001", "40P01", "23505"]);
/** Key of the advisory lock that lets only one of several starting processes migrate. */
const MIGRATION_LOCK_KEY = 7_262_024_001;

/** Rewrites `?` placeholders to `$1…$n`; the shared SQL never has `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PgExecutor implements SqlExecutor {
  readonly dialect = "postgres" as const;

  constructor(private readonly client: pg.PoolClient) {}

  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      return (await this.client.query(numberPlaceholders(sql), params as unknown[])).rows as R[];
    } catch (error) {
      throw classify(error);
    }
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    try {
      return (await this.client.query(numberPlaceholders(sql), params as unknown[])).rowCount ?? 0;
    } catch (error) {
      throw classify(error);
    }
  }
}

function classify(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code !== undefined && CONFLICT_CODES.has(code)) {
    return new StoreConflictError((error as Error).message, (error as { constraint?: string }).constraint);
  }
  return error;
}

/**
 * PostgreSQL for several server processes on one database. Every unit of work is a READ COMMITTED transaction that
 * locks the rows its decision rests on (SELECT … FOR UPDATE); uniqueness lives in constraints, and a unit of work
 * that loses a race (unique violation, serialization failure, deadlock) is re-run with a jittered backoff.
 */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on("error", () => undefined);
    const store = new PostgresStore(pool);
    const client = await pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      try {
        await client.query("BEGIN");
        await applyMigrations(new PgExecutor(client), () => new Date().toISOString());
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
    return store;
  }

  private async once<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      try {
        const result = await work(new SqlTx(new PgExecutor(client)));
        await client.query("COMMIT").catch((error: unknown) => {
          throw classify(error);
        });
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return withConflictRetry(() => this.once("BEGIN", work));
  }

  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
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
    await this.pool.end();
  }
}
