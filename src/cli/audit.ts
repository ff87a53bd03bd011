import type { Command } from "commander";
import { DEFAULT_DB } from "../config.js";
import { auditBody } from "../http/iam/audit-routes.js";
import { openStore } from "../store/open-store.js";

/**
 * `ecs-vip audit [--db URL] [--since ISO] [--project ID] [--json]`: the audit trail straight from the store (a running
 * server is fine), newest last; `--json` prints one object per line.
 */
export function registerAuditCommands(program: Command): void {
  program
    .command("audit")
    .description("print the audit trail: every state-changing request and every refused authentication")
    .option("--db <url>", "sqlite:PATH or postgres://…", process.env.ECS_VIP_DB ?? DEFAULT_DB)
    .option("--since <iso>", "only records at or after this time")
    .option("--project <id>", "only records of this project")
    .option("--limit <n>", "at most this many (the newest)", "1000")
    .option("--json", "one JSON object per line")
    .action(async (options: { db: string; since?: string; project?: string; limit: string; json?: boolean }) => {
      if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) {
        throw new Error(`--since must be an ISO time, got ${options.since}`);
      }
      const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
      const store = await openStore(options.db, { migrate: false, mustExist: true });
      try {
        const records = await store.read((tx) =>
          tx.audit.list({ since, projectId: options.project, limit: Math.max(1, Number(options.limit) || 1000) }),
        );
        for (const record of records) {
          const body = auditBody(record);
          process.stdout.write(
            options.json
              ? `${JSON.stringify(body)}\n`
              : `${body.time} ${body.status} ${body.code || "-"} ${body.action} target=${body.target || "-"} ` +
                  `user=${body.user || "-"} ak=${body.access_key || "-"} project=${body.project_id || "-"} ` +
                  `source=${body.source} request=${body.request_id}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}
