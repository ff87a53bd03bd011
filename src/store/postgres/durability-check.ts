import type pg from "pg";
import type { PostgresConnector } from "./connector.js";

/** synchronous_commit values that wait for the standby to have the commit on disk (or applied). */
const WAITS_FOR_STANDBY = new Set(["on", "remote_apply"]);

/**
 * Why acknowledged writes could be lost, or undefined when the server's settings keep them. Any server: a commit
 * must wait for its WAL flush (synchronous_commit not off). With several hosts (a failover is expected): the primary
 * must also wait for a synchronous standby (synchronous_standby_names set, synchronous_commit on or remote_apply), or
 * a promoted standby may lack writes the old primary acknowledged.
 */
export async function durabilityWarning(pool: pg.Pool, connector: PostgresConnector): Promise<string | undefined> {
  const client = await connector.acquire(pool);
  let settings: { commit: string; standbys: string };
  try {
    const result = await client.query(
      "SELECT current_setting('synchronous_commit') AS commit, current_setting('synchronous_standby_names') AS standbys",
    );
    settings = result.rows[0] as { commit: string; standbys: string };
  } finally {
    client.release();
  }
  if (settings.commit === "off") {
    return "PostgreSQL has synchronous_commit = off: a crash can lose writes ecs-vip acknowledged (set it to on)";
  }
  if (connector.url.hosts.length < 2) return undefined;
  if (settings.standbys.trim() === "") {
    return (
      `PostgreSQL at ${connector.hosts} has no synchronous standby (synchronous_standby_names is empty): ` +
      "a failover can lose writes ecs-vip acknowledged (see docs/postgresql-ha.md)"
    );
  }
  if (!WAITS_FOR_STANDBY.has(settings.commit)) {
    return (
      `PostgreSQL has synchronous_commit = ${settings.commit}: a failover can lose writes ecs-vip acknowledged ` +
      "(set it to on or remote_apply; see docs/postgresql-ha.md)"
    );
  }
  return undefined;
}
