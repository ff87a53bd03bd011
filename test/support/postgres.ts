import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server tests may use, from ECS_VIP_TEST_PG (CI sets it); undefined means skip with a reason. */
export const TEST_PG_URL = process.env.ECS_VIP_TEST_PG;
export const PG_SKIP_REASON = "PostgreSQL tests skipped: set ECS_VIP_TEST_PG=postgres://user@host:port/db to run them";

if (!TEST_PG_URL) console.warn(PG_SKIP_REASON);

/** A fresh, empty database on the test server for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_PG_URL) throw new Error(PG_SKIP_REASON);
  const name = `ecs_vip_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
