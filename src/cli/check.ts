import { existsSync } from "node:fs";
import { checkConfig } from "../config.js";
import { ConfigError } from "../config-error.js";
import { checkDump, checkIntegrity, checkSchemaVersion } from "../domain/invariants/rules.js";
import { DEFAULT_LIMITS } from "../domain/limits.js";
import { sqlitePath } from "../store/database-url.js";
import { openStore } from "../store/open-store.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { redactDbUrl } from "./redact.js";

/** The store could not be opened at all: nothing was checked. */
export class CheckUnavailableError extends Error {}

function isCorruptionError(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? "");
  return code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every violation in an open store, one line each: the schema version, SQLite's own integrity check, then the data
 * invariants over one consistent snapshot (so a running server's store can be checked too).
 */
export async function checkStore(store: Store): Promise<string[]> {
  const violations: string[] = [];
  let version: { current: number; latest: number } | undefined;
  try {
    version = await store.schemaVersion();
    violations.push(...checkSchemaVersion(version));
  } catch (error) {
    violations.push(`unreadable: the schema version could not be read: ${describe(error)}`);
  }
  if (store instanceof SqliteStore) {
    try {
      violations.push(...checkIntegrity(await store.integrityCheck()));
    } catch (error) {
      violations.push(`integrity-check: failed: ${describe(error)}`);
    }
  }
  // The rules read the tables of the latest schema; another version's tables cannot be judged by them.
  if (version === undefined || version.current !== version.latest) return violations;
  try {
    const dump = await store.read((tx) => tx.admin.dump());
    violations.push(...checkDump(dump, DEFAULT_LIMITS));
  } catch (error) {
    violations.push(`unreadable: the tables could not be read: ${describe(error)}`);
  }
  return violations;
}

/** Opens the database read-only, as it is (no migration, no new file, no write of any kind), checks it, closes it. */
export async function runCheck(db: string): Promise<string[]> {
  const path = sqlitePath(db);
  if (path !== undefined && !existsSync(path)) throw new CheckUnavailableError(`no database at ${path}`);
  let store: Store;
  try {
    store = await openStore(db, { readOnly: true });
  } catch (error) {
    // A file SQLite refuses as damaged is a finding about the store, not a reason to give up.
    if (path !== undefined && isCorruptionError(error)) return [`integrity-check: cannot open: ${describe(error)}`];
    throw new CheckUnavailableError(`cannot open ${redactDbUrl(db)}: ${describe(error)}`);
  }
  try {
    return await checkStore(store);
  } finally {
    await store.close();
  }
}

/**
 * `ecs-vip check [--db URL]`: prints one line per violation on stdout and answers 1, or 0 when the store is sound;
 * 2 when the arguments are wrong or the database cannot be reached. A summary goes to stderr, so stdout holds only
 * violations.
 */
export async function checkCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let db: string;
  try {
    db = checkConfig(args, env).db;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ecs-vip check: ${error.message}\nusage: ecs-vip check [--db sqlite:PATH|postgres://…]\n`);
    return 2;
  }
  let violations: string[];
  try {
    violations = await runCheck(db);
  } catch (error) {
    if (!(error instanceof CheckUnavailableError)) throw error;
    process.stderr.write(`ecs-vip check: ${error.message}\n`);
    return 2;
  }
  for (const violation of violations) process.stdout.write(`${violation}\n`);
  process.stderr.write(
    violations.length === 0
      ? `ecs-vip check: ${redactDbUrl(db)}: clean\n`
      : `ecs-vip check: ${redactDbUrl(db)}: ${violations.length} violation${violations.length === 1 ? "" : "s"}\n`,
  );
  return violations.length === 0 ? 0 : 1;
}
