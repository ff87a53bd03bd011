/**
 * PostgreSQL servers of a test's own, to crash and fail over without touching the shared server on 5432: a cluster
 * made with initdb in a temporary directory, or a pg_auto_failover formation (a monitor, a primary and a synchronous
 * standby). They run as the `postgres` user (PostgreSQL refuses root), on free ports of 127.0.0.1.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findExecutable, type Requirement } from "./requirements.js";

export const PG_BIN = "/usr/lib/postgresql/15/bin";

function uidOf(user: string): { uid: number; gid: number } | undefined {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

const POSTGRES_USER = (() => {
  try {
    return uidOf("postgres");
  } catch {
    return undefined;
  }
})();
const currentUid = typeof process.getuid === "function" ? process.getuid() : -1;

function probe(name: string, check: () => string | undefined): Requirement {
  let missing: string | undefined;
  try {
    missing = check();
  } catch (error) {
    missing = error instanceof Error ? error.message : String(error);
  }
  return { name, available: missing === undefined, missing: missing ?? "" };
}

function canRunAsPostgres(): string | undefined {
  if (!POSTGRES_USER) return "needs the postgres user (apt-get install postgresql-15)";
  if (currentUid !== 0 && currentUid !== POSTGRES_USER.uid) return "needs root or the postgres user to run PostgreSQL";
  if (currentUid === 0 && !findExecutable("runuser")) return "needs runuser (apt-get install util-linux)";
  return undefined;
}

/** initdb and pg_ctl of PostgreSQL 15, and a user they may run as. */
export const PRIVATE_POSTGRES: Requirement = probe("a private PostgreSQL", () => {
  accessSync(join(PG_BIN, "initdb"), constants.X_OK);
  accessSync(join(PG_BIN, "pg_ctl"), constants.X_OK);
  return canRunAsPostgres();
});

/** Debian's pg_auto_failover for PostgreSQL 15 (postgresql-15-auto-failover, pg-auto-failover-cli). */
export const PG_AUTO_FAILOVER: Requirement = probe("pg_auto_failover", () => {
  if (!findExecutable("pg_autoctl")) return "needs pg_autoctl (apt-get install pg-auto-failover-cli)";
  try {
    accessSync("/usr/share/postgresql/15/extension/pgautofailover.control", constants.R_OK);
  } catch {
    return "needs the pgautofailover extension (apt-get install postgresql-15-auto-failover)";
  }
  accessSync(join(PG_BIN, "pg_ctl"), constants.X_OK);
  return canRunAsPostgres();
});

/** `command args…` as the postgres user, with `env` added; rejects with its output when it fails. */
export function asPostgres(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<string> {
  const argv = currentUid === 0 ? ["-u", "postgres", "--", "env", ...envArgs(env), command, ...args] : args;
  const file = currentUid === 0 ? "runuser" : command;
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${stdout}${stderr}`));
        else resolve(stdout + stderr);
      },
    );
  });
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

/** A long-running process as the postgres user (its own process group), output appended to `logFile`. */
function spawnAsPostgres(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  const argv = currentUid === 0 ? ["-u", "postgres", "--", "env", ...envArgs(env), command, ...args] : args;
  const child = spawn(currentUid === 0 ? "runuser" : command, argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A directory the postgres user owns, for data directories and logs. */
function postgresDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (currentUid === 0 && POSTGRES_USER) chownSync(dir, POSTGRES_USER.uid, POSTGRES_USER.gid);
  return dir;
}

/** Whether something accepts PostgreSQL connections on `port` (pg_isready's meaning). */
export async function accepting(port: number, database = "postgres"): Promise<boolean> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    database,
    connectionTimeoutMillis: 2_000,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The single-row answer of `sql` on the node at `port`. */
export async function queryNode<R>(port: number, database: string, sql: string): Promise<R> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database, connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as R;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PrivateCluster {
  port: number;
  dir: string;
  /** The data directory (its postmaster.pid names the postmaster). */
  data: string;
  /** A URL for `database` on this cluster. */
  url: (database: string) => string;
  createDatabase: (name: string) => Promise<void>;
  /** `pg_ctl stop -m immediate`: what a crash looks like to clients (no checkpoint, connections cut). */
  crash: () => Promise<void>;
  /** `pg_ctl start -w`: resolves once the cluster accepts connections (after its crash recovery). */
  start: () => Promise<void>;
  destroy: () => Promise<void>;
}

/**
 * Settings the tests' clusters run with: small, as many of them may run at once. The bench passes none, so its
 * cluster runs with initdb's defaults (durability included: fsync and synchronous_commit on).
 */
const TEST_SETTINGS = "-c max_connections=60 -c shared_buffers=16MB";

/** A PostgreSQL 15 cluster of its own (initdb, trust authentication) on a free port, started. */
export async function startPrivateCluster(options: { settings?: string } = {}): Promise<PrivateCluster> {
  const settings = options.settings ?? TEST_SETTINGS;
  const dir = postgresDir("ecs-vip-pg-");
  const data = join(dir, "data");
  const port = await freePort();
  await asPostgres(join(PG_BIN, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const pgCtl = (...args: string[]) => asPostgres(join(PG_BIN, "pg_ctl"), ["-D", data, ...args]);
  const start = async () => {
    await pgCtl(
      "-l",
      join(dir, "postgres.log"),
      "-w",
      "-t",
      "120",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${settings}`,
      "start",
    );
  };
  await start();
  return {
    port,
    dir,
    data,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: async (name) => {
      const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
    },
    crash: async () => {
      await pgCtl("-m", "immediate", "-w", "stop");
    },
    start,
    destroy: async () => {
      await pgCtl("-m", "immediate", "-w", "stop").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FormationNode {
  name: string;
  port: number;
  pgdata: string;
}

export interface Formation {
  dir: string;
  monitorPort: number;
  nodes: FormationNode[];
  database: string;
  /** libpq's multi-host URL pg_auto_failover hands out for the formation. */
  url: string;
  /** `pg_autoctl stop --immediate` on a node: its PostgreSQL and its keeper stop at once. */
  stopImmediate: (node: FormationNode) => Promise<void>;
  /** The nodes' states as the monitor sees them ("primary", "secondary", "wait_primary", …). */
  states: () => Promise<Map<string, string>>;
  /**
   * Resolves with a node other than `except` once it is out of recovery (promoted), or with `writable` once it also
   * takes writes (pg_auto_failover keeps a promoted standby read-only until the old primary's demote timeout).
   */
  waitForPrimary: (except: FormationNode | undefined, options: { writable: boolean }) => Promise<FormationNode>;
  destroy: () => Promise<void>;
}

/**
 * A pg_auto_failover formation on this machine: a monitor, a primary and a synchronous standby (the defaults of
 * pg_auto_failover with two data nodes: number_sync_standbys 0 and one standby means synchronous_standby_names
 * names it, synchronous_commit on), in a temporary directory, on free ports. Resolves once the standby is
 * secondary, i.e. replicating synchronously.
 */
export async function startFormation(database = "app"): Promise<Formation> {
  const dir = postgresDir("ecs-vip-pgaf-");
  const env = {
    PATH: `${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "share"),
    XDG_RUNTIME_DIR: join(dir, "run"),
    PG_CONFIG: join(PG_BIN, "pg_config"),
  };
  const autoctl = (...args: string[]) => asPostgres("pg_autoctl", args, env);
  const runners: ChildProcess[] = [];
  const monitorPort = await freePort();
  const monitorData = join(dir, "monitor");
  const common = ["--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--pgctl", join(PG_BIN, "pg_ctl")];
  const destroy = async () => {
    for (const pgdata of [...nodes.map((node) => node.pgdata), monitorData]) {
      await autoctl("stop", "--pgdata", pgdata, "--immediate").catch(() => undefined);
    }
    for (const runner of runners) {
      try {
        if (runner.pid) process.kill(-runner.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const nodes: FormationNode[] = [];
  try {
    await asPostgres("mkdir", ["-p", env.XDG_RUNTIME_DIR]);
    await autoctl("create", "monitor", "--pgdata", monitorData, "--pgport", String(monitorPort), ...common);
    runners.push(spawnAsPostgres("pg_autoctl", ["run", "--pgdata", monitorData], env, join(dir, "monitor.log")));
    const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
    for (const name of ["node1", "node2"]) {
      const node = { name, port: await freePort(), pgdata: join(dir, name) };
      nodes.push(node);
      await autoctl(
        "create",
        "postgres",
        "--pgdata",
        node.pgdata,
        "--pgport",
        String(node.port),
        "--name",
        name,
        "--dbname",
        database,
        "--monitor",
        monitorUrl,
        ...common,
      );
      runners.push(spawnAsPostgres("pg_autoctl", ["run", "--pgdata", node.pgdata], env, join(dir, `${name}.log`)));
    }
    const states = async () => {
      // Name | Node | Host:Port | TLI: LSN | Connection | Reported State | Assigned State
      const text = await autoctl("show", "state", "--pgdata", monitorData);
      const rows = text
        .split("\n")
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .filter((cells) => cells.length === 7 && /^node\d+$/.test(cells[0] ?? ""));
      return new Map(rows.map((cells) => [cells[0] ?? "?", cells[5] ?? "?"]));
    };
    const deadline = Date.now() + 180_000;
    for (;;) {
      const seen = await states().catch(() => new Map<string, string>());
      if (seen.get("node1") === "primary" && seen.get("node2") === "secondary") break;
      if (Date.now() > deadline) throw new Error(`formation not up in 180 s: ${JSON.stringify([...seen])}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const waitForPrimary = async (except: FormationNode | undefined, options: { writable: boolean }) => {
      const timeoutMs = 180_000;
      const until = Date.now() + timeoutMs;
      for (;;) {
        for (const node of nodes) {
          if (node === except) continue;
          // Writable as libpq's read-write sees it: out of recovery, and new sessions not read-only.
          const row = await queryNode<{ promoted: boolean; writable: boolean }>(
            node.port,
            database,
            "SELECT NOT pg_is_in_recovery() AS promoted, current_setting('transaction_read_only') = 'off' AS writable",
          ).catch(() => undefined);
          if (row?.promoted && (row.writable || !options.writable)) return node;
        }
        if (Date.now() > until) throw new Error(`no primary within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    return {
      dir,
      monitorPort,
      nodes,
      database,
      url: `postgres://postgres@${nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}/${database}?target_session_attrs=read-write`,
      stopImmediate: async (node) => {
        await autoctl("stop", "--pgdata", node.pgdata, "--immediate");
      },
      states,
      waitForPrimary,
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
