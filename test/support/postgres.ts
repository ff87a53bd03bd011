import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Needs, POSTGRES, requires } from "./requirements.js";

/**
 * The PostgreSQL server tests may use, from ECS_VIP_TEST_PG (CI sets it; else the run found a local one, see
 * postgres-probe.ts); undefined means skip with a reason.
 */
export const TEST_PG_URL = process.env.ECS_VIP_TEST_PG;
/** Skip PostgreSQL tests with this: `describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("..."), ...)`. */
export const NEEDS_PG: Needs = requires(POSTGRES);
export const PG_SKIP_REASON = NEEDS_PG.reason;
/** "postgres", or a label short enough for a `describe.each` title ($-values are cut at 40 characters) saying why not. */
export const PG_LABEL = NEEDS_PG.skip ? "postgres: no PostgreSQL, skipped" : "postgres";

/** A fresh, empty database on the server `baseUrl` points at (named `prefix` + random hex); `drop()` removes it. */
export async function createDatabase(
  baseUrl: string,
  prefix = "ecs_vip_test_",
  /** Copy this database (which nobody may be connected to) instead of starting empty. */
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh, empty database on the test server for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_PG_URL) throw new Error(PG_SKIP_REASON);
  return createDatabase(TEST_PG_URL);
}

/** A copy of the test database `url` names (nobody may be connected to it), to change without touching the original. */
export async function cloneTestDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_PG_URL) throw new Error(PG_SKIP_REASON);
  return createDatabase(TEST_PG_URL, "ecs_vip_test_", new URL(url).pathname.slice(1));
}

/** A database a whole-server test runs on: the default SQLite file, or a fresh PostgreSQL database. */
export interface ServerStoreKind {
  name: "sqlite" | "postgres";
  /** Whether this machine can run it, and why not (skip each test with `kind.needs.reason` when `kind.needs.skip`). */
  needs: Needs;
  /** The name, plus the reason when its tests are skipped: use `$label` in a `describe.each` title. */
  label: string;
  /** `db` is the URL to pass to the server (undefined: its own SQLite file); `drop` cleans up afterwards. */
  open: () => Promise<{ db?: string; drop: () => Promise<void> }>;
}

/** SQLite, and PostgreSQL (skipped with its reason unless ECS_VIP_TEST_PG names a server). */
export const SERVER_STORE_KINDS: ServerStoreKind[] = [
  { name: "sqlite", needs: requires(), label: "sqlite", open: async () => ({ drop: async () => {} }) },
  {
    name: "postgres",
    needs: NEEDS_PG,
    label: PG_LABEL,
    open: async () => {
      const database = await createTestDatabase();
      return { db: database.url, drop: database.drop };
    },
  },
];
