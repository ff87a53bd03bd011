import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MASTER_KEY_FILE = "master.key";

/**
 * The data directory is 0700 and every file the server writes in it (SQLite file, -wal, -shm, credentials.json,
 * master.key) 0600: the process creates files without group or other access, and files from older versions are
 * tightened. A shared sticky directory such as /tmp is never changed itself.
 */
export function secureDataDir(dataDir: string, sqliteFile: string | undefined): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if ((statSync(dataDir).mode & 0o1000) === 0) chmodSync(dataDir, 0o700);
  const files = [join(dataDir, "credentials.json"), join(dataDir, MASTER_KEY_FILE)];
  if (sqliteFile) files.push(sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`, `${sqliteFile}-journal`);
  for (const file of files) if (existsSync(file)) chmodSync(file, 0o600);
}

/**
 * The master key: `ECS_VIP_MASTER_KEY` when set, else `<data dir>/master.key`, created (0600, 32 random bytes as hex)
 * on first start. Two processes creating it at once agree: the second reads the first's file.
 */
export function loadMasterKey(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv !== undefined) return fromEnv;
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}
