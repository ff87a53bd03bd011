/**
 * pg against postgres.js on the same transaction, for the choice of driver: lock a row, read another, write with a
 * data-modifying CTE, commit; 10 connections at once on a private cluster at default durability (fsync and
 * synchronous_commit on). Three ways:
 *   - pg with BEGIN and COMMIT on their own (5 round trips; how the store ran before pg-executor.ts);
 *   - pg with BEGIN sent with the first statement and COMMIT with the last (3 round trips; what the store does);
 *   - postgres.js, which pipelines queries sent together; a unit of work's statements wait for each other, and its
 *     `sql.begin` sends BEGIN and COMMIT on their own (5 round trips).
 * Prints transactions/s and CPU µs per transaction in this process (the client) and in the cluster (the server),
 * three rounds each, alternating.
 *
 *   npm install --no-save postgres@3 && node --import tsx bench/drivers.ts [--transactions N]
 *   (or with postgres.js installed elsewhere: POSTGRES_JS=/that/node_modules/postgres/src/index.js node …)
 */
import pg from "pg";
import { PRIVATE_POSTGRES, startPrivateCluster } from "../test/support/private-postgres.js";
import { perTransaction, postmasterPid, type TransactionFigures } from "./cpu.js";
import { option } from "./support.js";

const TRANSACTIONS = Number(option("transactions", "3000"));
const CONNECTIONS = 10;
const LOCK = "SELECT id, data, version FROM items WHERE id = $1 FOR UPDATE";
const READ = "SELECT id, data, version FROM items WHERE id = $1";
const WRITE = `WITH updated AS (UPDATE items SET version = version + 1, data = $2 WHERE id = $1),
  logged AS (INSERT INTO log (item, at) VALUES ($1, $3)) SELECT 1`;

/** The part of postgres.js this bench uses (it is not a dependency of the project: installed for the comparison). */
interface PostgresJsTransaction {
  unsafe(sql: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
}
interface PostgresJs {
  begin(work: (tx: PostgresJsTransaction) => Promise<unknown>): Promise<unknown>;
  end(): Promise<void>;
}

type Figures = TransactionFigures;

const idsOf = (n: number) => [`i${1 + (n % 1000)}`, `i${1 + ((n * 7 + 500) % 1000)}`] as const;

const measured = (postmaster: number | undefined, run: () => Promise<unknown> | unknown) =>
  perTransaction(TRANSACTIONS, postmaster, run);

/** `CONNECTIONS` workers taking transaction numbers until TRANSACTIONS are done. */
async function spread(transaction: (worker: number, n: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      for (let n = next++; n < TRANSACTIONS; n = next++) await transaction(worker, n);
    }),
  );
}

async function withPg(url: string, postmaster: number, folded: boolean): Promise<Figures> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const transaction = async (client: pg.Client, n: number, fold: boolean) => {
    const [a, b] = idsOf(n);
    const values = [a, `d${n}`, new Date().toISOString()];
    if (!fold) {
      await client.query("BEGIN");
      await client.query({ name: "lock", text: LOCK, values: [a] });
      await client.query({ name: "read", text: READ, values: [b] });
      await client.query({ name: "write", text: WRITE, values });
      await client.query("COMMIT");
      return;
    }
    await client.query(`BEGIN; EXECUTE lock(${client.escapeLiteral(a)})`);
    await client.query({ name: "read", text: READ, values: [b] });
    await client.query(`EXECUTE write(${values.map((value) => client.escapeLiteral(value)).join(", ")}); COMMIT`);
  };
  try {
    // Prepares the statements on every connection (the folded form needs them prepared).
    await Promise.all(clients.map((client, worker) => transaction(client, worker, false)));
    return await measured(postmaster, () =>
      spread((worker, n) => transaction(clients[worker] as pg.Client, n, folded)),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

async function withPostgresJs(url: string, postmaster: number): Promise<Figures> {
  // A path to postgres.js installed elsewhere (POSTGRES_JS=…/postgres/src/index.js), or the package.
  const moduleName = process.env.POSTGRES_JS ?? "postgres";
  const postgres = (await import(moduleName)).default as (url: string, options: { max: number }) => PostgresJs;
  const sql = postgres(url, { max: CONNECTIONS });
  const transaction = async (n: number) => {
    const [a, b] = idsOf(n);
    await sql.begin(async (tx) => {
      await tx.unsafe(LOCK, [a], { prepare: true });
      await tx.unsafe(READ, [b], { prepare: true });
      await tx.unsafe(WRITE, [a, `d${n}`, new Date().toISOString()], { prepare: true });
    });
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS * 3 }, (_, n) => transaction(n)));
    return await measured(postmaster, () => spread((_, n) => transaction(n)));
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  if (!PRIVATE_POSTGRES.available) throw new Error(`no private cluster: ${PRIVATE_POSTGRES.missing}`);
  const cluster = await startPrivateCluster({ settings: "" });
  try {
    const url = cluster.url("postgres");
    const postmaster = postmasterPid(cluster.data);
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query(`CREATE TABLE items (id TEXT PRIMARY KEY, data TEXT, version INTEGER);
      CREATE TABLE log (item TEXT, at TEXT);
      INSERT INTO items SELECT 'i' || g, 'x', 0 FROM generate_series(1, 1000) g`);
    await setup.end();
    const rows: Record<string, unknown>[] = [];
    for (let round = 1; round <= 3; round++) {
      rows.push({ driver: "pg, BEGIN and COMMIT alone (5 RT)", round, ...(await withPg(url, postmaster, false)) });
      rows.push({ driver: "pg, BEGIN and COMMIT folded (3 RT)", round, ...(await withPg(url, postmaster, true)) });
      rows.push({ driver: "postgres.js, sql.begin (5 RT)", round, ...(await withPostgresJs(url, postmaster)) });
    }
    console.table(rows);
  } finally {
    await cluster.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
