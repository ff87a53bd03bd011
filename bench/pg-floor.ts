/**
 * The floor of a bind on PostgreSQL (issue 19): the CPU of the least a bind must do there, without HTTP, the use
 * case or the change feed, beside SQLite doing the same transaction and SQLite's whole bind through the server.
 *
 * The schema is the store's own (its migrations, on both databases); the world is the bench's shape: NICS NIC ports
 * and as many VIP ports (each with its fixed IP) on one network. A bind (the VIP port exists) locks and reads both
 * ports with their fixed IPs and address pairs (the decision's input), then writes its outcome: the VIP port's owner,
 * the NIC's new address pair, both ports' revisions, and the change record (`change_queue`, as the store queues it);
 * an unbind undoes it. Each NIC is bound and unbound in turn, CONNECTIONS connections at once, each on NICs of its
 * own (no lock waits), on a private cluster at default settings (fsync, synchronous_commit on).
 *
 * PostgreSQL, three ways:
 *   - 2 round trips: `BEGIN; EXECUTE lock(…)` then `EXECUTE write(…); COMMIT` (simple queries running statements
 *     prepared on the connection, as the store folds BEGIN and COMMIT: postgres/pg-executor.ts). The floor.
 *   - the same, plus the store's notification after the commit in the second round trip (`COMMIT; SELECT
 *     set_config('synchronous_commit', 'off', true), pg_notify(…)`: its own transaction, no WAL flush).
 *   - the floor over the cluster's Unix socket instead of TCP on 127.0.0.1 (what the transport costs);
 *   - 3 round trips: the floor after a one-row read of its own (the identity revision a token's request reads
 *     first), what one more round trip costs;
 *   - 4 round trips: BEGIN, lock, write and COMMIT each a query of its own, the statements bound and executed
 *     by name (extended protocol).
 * SQLite (better-sqlite3, WAL, synchronous=FULL as the store opens it), the same statements in one process:
 *   - one commit per bind; and GROUP binds per commit (the store's group commit under load).
 * Prints transactions/s and CPU µs per transaction: this process (the client) and the cluster (every PostgreSQL
 * process, from /proc as bench/cpu.ts reads it), three rounds, alternating. With --bench it then runs the bench's
 * SQLite configurations (`bench/run.ts --quick --only sqlite --no-build`) and prints its token bind's CPU per
 * request, the figure issue 19's "PostgreSQL CPU per bind ≤ 2× SQLite's" compares with.
 *
 *   node --import tsx bench/pg-floor.ts [--transactions N] [--bench]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PostgresStore } from "../src/store/postgres/postgres-store.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { PRIVATE_POSTGRES, startPrivateCluster } from "../test/support/private-postgres.js";
import { perTransaction, postmasterPid, type TransactionFigures } from "./cpu.js";
import { option } from "./support.js";

const TRANSACTIONS = Number(option("transactions", "4000"));
const CONNECTIONS = 50;
const NICS = 200;
const GROUP = 50;
const ROUNDS = 3;

/** The decision's input: both ports, locked, with their fixed IPs and address pairs. */
const LOCK = `SELECT p.id, p.device_owner, p.device_id, p.mac_address, p.revision_number,
    (SELECT string_agg(f.ip_address, ',') FROM fixed_ips f WHERE f.port_id = p.id) AS fixed_ips,
    (SELECT string_agg(a.ip_address, ',') FROM address_pairs a WHERE a.port_id = p.id) AS pairs
  FROM ports p WHERE p.id IN ($1, $2) ORDER BY p.id FOR UPDATE OF p`;
/** The outcome and the change record, one statement; $7 says bind (1) or unbind (0). */
const WRITE = `WITH nic AS (UPDATE ports SET revision_number = revision_number + 1, updated_at = $3 WHERE id = $1),
  vip AS (UPDATE ports SET device_owner = CASE WHEN $7::int = 1 THEN 'neutron:VIP_PORT' ELSE '' END,
      device_id = CASE WHEN $7::int = 1 THEN $1 ELSE '' END, revision_number = revision_number + 1, updated_at = $3
    WHERE id = $2),
  unpaired AS (DELETE FROM address_pairs WHERE $7::int = 0 AND port_id = $1 AND ip_address = $4),
  paired AS (INSERT INTO address_pairs (port_id, ip_address, mac_address, position)
    SELECT $1, $4, $5, 0 WHERE $7::int = 1),
  queued AS (INSERT INTO change_queue (id, ports, servers, subnets, committed_at)
    VALUES (nextval('change_queue_ids'), $6, '[]', '[]', $3) RETURNING id)
  SELECT id FROM queued`;

type Figures = TransactionFigures;

const nicId = (i: number) => `nic-${String(i).padStart(4, "0")}`;
const vipId = (i: number) => `vip-${String(i).padStart(4, "0")}`;
const vipIp = (i: number) => `10.0.${Math.floor(i / 200)}.${10 + (i % 200)}`;

/** The n-th transaction of a worker: its NIC, and whether it binds (NICs start unbound, each alternates). */
function step(worker: number, n: number): { nic: number; bind: boolean } {
  const mine = NICS / CONNECTIONS;
  const nic = worker + CONNECTIONS * (n % mine);
  return { nic, bind: Math.floor(n / mine) % 2 === 0 };
}

function writeValues(nic: number, bind: boolean): unknown[] {
  return [
    nicId(nic),
    vipId(nic),
    new Date().toISOString(),
    vipIp(nic),
    "fa:16:3e:00:00:01",
    JSON.stringify([nicId(nic), vipId(nic)]),
    bind ? 1 : 0,
  ];
}

/** The world, inserted with foreign-key checks off for the setup only (the measured transactions check them). */
function worldSql(): string[] {
  const now = "2026-01-01T00:00:00.000Z";
  const port = (id: string, owner: string, i: number) =>
    `('${id}', 'p1', 'n1', '', '', 'fa:16:3e:${owner === "" ? "01" : "02"}:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}', '${owner}', '${owner === "" ? "" : `srv-${i}`}', 'ACTIVE', 1, ${owner === "" ? "NULL" : "0"}, 1, '${now}', '${now}')`;
  const ports: string[] = [];
  const ips: string[] = [];
  for (let i = 0; i < NICS; i++) {
    ports.push(port(nicId(i), "compute:nova", i), port(vipId(i), "", i));
    ips.push(`('${nicId(i)}', 'n1', 's1', '10.1.${Math.floor(i / 200)}.${10 + (i % 200)}', 0)`);
    ips.push(`('${vipId(i)}', 'n1', 's1', '${vipIp(i)}', 0)`);
  }
  return [
    `INSERT INTO ports (id, project_id, network_id, name, description, mac_address, device_owner, device_id, status,
       admin_state_up, nic_index, revision_number, created_at, updated_at) VALUES ${ports.join(",\n")}`,
    `INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position) VALUES ${ips.join(",\n")}`,
  ];
}

const measured = (postmaster: number | undefined, run: () => Promise<unknown> | unknown) =>
  perTransaction(TRANSACTIONS, postmaster, run);

type PgWay = "floor" | "floor+notify" | "floor+read" | "extended";

async function withPg(clients: pg.Client[], postmaster: number, way: PgWay): Promise<Figures> {
  const transaction = async (client: pg.Client, worker: number, n: number, mode: PgWay) => {
    const { nic, bind } = step(worker, n);
    const lockValues = [nicId(nic), vipId(nic)];
    const values = writeValues(nic, bind);
    if (mode === "extended") {
      await client.query("BEGIN");
      await client.query({ name: "floor_lock", text: LOCK, values: lockValues });
      await client.query({ name: "floor_write", text: WRITE, values });
      await client.query("COMMIT");
      return;
    }
    if (mode === "floor+read") await client.query("SELECT revision FROM identity_revision WHERE id = 1");
    const literals = (list: unknown[]) => list.map((value) => client.escapeLiteral(String(value))).join(", ");
    await client.query(`BEGIN; EXECUTE floor_lock(${literals(lockValues)})`);
    const notify =
      mode === "floor+notify" ? "; SELECT set_config('synchronous_commit', 'off', true), pg_notify('floor', '')" : "";
    await client.query(`EXECUTE floor_write(${literals(values)}); COMMIT${notify}`);
  };
  let next = 0;
  return measured(postmaster, async () => {
    await Promise.all(
      clients.map(async (client, worker) => {
        // Each worker's own count: its NICs are bound and unbound in turn, whatever the others took.
        let mine = 0;
        for (let n = next++; n < TRANSACTIONS; n = next++) await transaction(client, worker, mine++, way);
      }),
    );
  }).finally(async () => {
    // Every NIC back to unbound, whatever number of transactions each worker ran.
    await clients[0]?.query("DELETE FROM address_pairs");
    await clients[0]?.query("UPDATE ports SET device_owner = '', device_id = '' WHERE id LIKE 'vip-%'");
  });
}

function withSqlite(db: Database.Database, group: number): Promise<Figures> {
  const lock = db.prepare(LOCK.replace(" FOR UPDATE OF p", "").replace(/\$\d/g, "?"));
  const nicUpdate = db.prepare("UPDATE ports SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?");
  const vipUpdate = db.prepare(
    "UPDATE ports SET device_owner = ?, device_id = ?, revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
  );
  const pair = db.prepare("INSERT INTO address_pairs (port_id, ip_address, mac_address, position) VALUES (?, ?, ?, 0)");
  const unpair = db.prepare("DELETE FROM address_pairs WHERE port_id = ? AND ip_address = ?");
  const revision = db.prepare("UPDATE change_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision");
  const log = db.prepare(
    "INSERT INTO change_log (revision, ports, servers, subnets, committed_at) VALUES (?, ?, '[]', '[]', ?)",
  );
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const bindOnce = (n: number) => {
    const { nic, bind } = step(n % CONNECTIONS, Math.floor(n / CONNECTIONS));
    const [nicKey, vipKey, at, ip, mac, ports] = writeValues(nic, bind) as string[];
    lock.all(nicKey, vipKey);
    nicUpdate.run(at, nicKey);
    vipUpdate.run(bind ? "neutron:VIP_PORT" : "", bind ? nicKey : "", at, vipKey);
    if (bind) pair.run(nicKey, ip, mac);
    else unpair.run(nicKey, ip);
    const next = revision.get() as { revision: number };
    log.run(next.revision, ports, at);
  };
  return measured(undefined, () => {
    for (let n = 0; n < TRANSACTIONS; n += group) {
      begin.run();
      for (let k = n; k < Math.min(n + group, TRANSACTIONS); k++) bindOnce(k);
      commit.run();
    }
  }).finally(() => {
    db.exec("DELETE FROM address_pairs; UPDATE ports SET device_owner = '', device_id = '' WHERE id LIKE 'vip-%'");
  });
}

async function preparePg(url: string): Promise<pg.Client[]> {
  const store = await PostgresStore.open({ url });
  await store.close();
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("SET session_replication_role = replica");
  for (const sql of worldSql()) await setup.query(sql);
  await setup.query("ANALYZE");
  await setup.end();
  return connectPg(url);
}

/** CONNECTIONS connections to `url`, each with both statements prepared (the folded ways execute them by name). */
function connectPg(url: string): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("BEGIN");
      await client.query({ name: "floor_lock", text: LOCK, values: [nicId(0), vipId(0)] });
      await client.query({ name: "floor_write", text: WRITE, values: writeValues(0, true) });
      await client.query("ROLLBACK");
      return client;
    }),
  );
}

async function prepareSqlite(path: string): Promise<Database.Database> {
  const store = await SqliteStore.open({ path });
  await store.close();
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = OFF");
  for (const sql of worldSql()) db.exec(sql);
  db.exec("ANALYZE");
  db.pragma("foreign_keys = ON");
  return db;
}

/** The bench's SQLite token bind/unbind: CPU µs per request of the server process. */
function sqliteBenchBind(): number | undefined {
  const out = mkdtempSync(join(tmpdir(), "ecs-vip-floor-"));
  try {
    execFileSync(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--quick", "--duration", "5", "--only", "sqlite", "--no-build", "--out", out],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const file = readdirSync(out).find((name) => name.endsWith(".json"));
    if (!file) return undefined;
    const report = JSON.parse(readFileSync(join(out, file), "utf8")) as {
      results: { configuration: string; cpuUsPerRequest: { total: number } }[];
    };
    return report.results.find((row) => row.configuration === "SQLite, token")?.cpuUsPerRequest.total;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!PRIVATE_POSTGRES.available) throw new Error(`no private cluster: ${PRIVATE_POSTGRES.missing}`);
  const cluster = await startPrivateCluster({ settings: "" });
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-floor-sqlite-"));
  try {
    await cluster.createDatabase("floor");
    const clients = await preparePg(cluster.url("floor"));
    // The same over the cluster's Unix socket (the bench's servers connect over TCP on 127.0.0.1).
    const socketClients = await connectPg(
      `postgres://postgres@/floor?host=${encodeURIComponent(cluster.dir)}&port=${cluster.port}`,
    );
    const sqlite = await prepareSqlite(join(dir, "floor.db"));
    const postmaster = postmasterPid(cluster.data);
    const rows: Record<string, unknown>[] = [];
    const row = (way: string, round: number, figures: Figures) =>
      rows.push({ way, round, ...figures, totalUs: figures.clientUs + figures.serverUs });
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        row("PostgreSQL, 2 round trips (floor)", round, await withPg(clients, postmaster, "floor"));
        row("PostgreSQL, 2 round trips, Unix socket", round, await withPg(socketClients, postmaster, "floor"));
        row("PostgreSQL, 2 round trips + notify", round, await withPg(clients, postmaster, "floor+notify"));
        row("PostgreSQL, 3 round trips (+ a one-row read)", round, await withPg(clients, postmaster, "floor+read"));
        row("PostgreSQL, 4 round trips (extended)", round, await withPg(clients, postmaster, "extended"));
        row("SQLite, 1 bind per commit", round, await withSqlite(sqlite, 1));
        row(`SQLite, ${GROUP} binds per commit`, round, await withSqlite(sqlite, GROUP));
      }
    } finally {
      await Promise.all([...clients, ...socketClients].map((client) => client.end()));
      sqlite.close();
    }
    console.table(rows);
    if (process.argv.includes("--bench")) {
      const whole = sqliteBenchBind();
      console.log(
        `SQLite's whole bind through the server (bench, token): ${Math.round(whole ?? Number.NaN)} µs/request`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cluster.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
