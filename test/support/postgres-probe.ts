/**
 * Vitest's global setup: when ECS_VIP_TEST_PG is not set at all, look once for a PostgreSQL server where a local one
 * usually answers, and hand it to every test worker, so `npm test` on a fresh clone runs the PostgreSQL variants
 * when the machine has the server and shows them as skipped, with the reason, when it does not.
 *
 * ECS_VIP_TEST_PG set (CI sets it) is used as given, unprobed: a named server that is down must fail the run. Set it
 * empty to skip PostgreSQL on purpose (`npm run test:quick` does). ECS_VIP_TEST_PG_PROBE changes the address probed.
 */
import pg from "pg";

export const DEFAULT_PROBE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Why no PostgreSQL server answered as `url`, or undefined when one did. */
export async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)) || "no answer";
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(): Promise<void> {
  if (process.env.ECS_VIP_TEST_PG !== undefined) return;
  const url = process.env.ECS_VIP_TEST_PG_PROBE || DEFAULT_PROBE_URL;
  const missing = await probePostgres(url);
  if (missing === undefined) {
    process.env.ECS_VIP_TEST_PG = url;
    console.log(`PostgreSQL variants: on ${url} (found it; set ECS_VIP_TEST_PG= to skip them)`);
  } else {
    process.env.ECS_VIP_TEST_PG_MISSING = `nothing answered as ${url} (${missing}); set ECS_VIP_TEST_PG=postgres://user@host:port/db to name a server`;
    console.log(`PostgreSQL variants: skipped, ${process.env.ECS_VIP_TEST_PG_MISSING}`);
  }
}
