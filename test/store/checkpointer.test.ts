/**
 * SQLite checkpoints run on a worker thread, not inside a request's COMMIT: committed writes reach the database file
 * itself within a few checkpoint intervals, with no write of ours asking for it, and closing the store leaves no WAL.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPOINT_INTERVAL_MS } from "../../src/store/sqlite/checkpointer.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-vip-checkpoint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The value stored under `key` in a copy of the database file alone (its WAL left behind). */
function inMainFile(path: string, key: string): string | undefined {
  const copy = join(dir, `copy-${Date.now()}-${Math.random()}.db`);
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  } catch {
    // Not even the schema has reached the file yet.
    return undefined;
  } finally {
    db.close();
  }
}

describe("SQLite WAL checkpoints", () => {
  it("copy committed writes into the database file off the request path, and leave no WAL on close", async () => {
    const path = join(dir, "store.db");
    const store = await SqliteStore.open({ path, synchronous: "full" });
    await store.write((tx) => tx.admin.setMeta("checkpointed", "yes"));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const deadline = Date.now() + 10 * CHECKPOINT_INTERVAL_MS;
    while (inMainFile(path, "checkpointed") !== "yes" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_INTERVAL_MS / 4));
    }
    expect(inMainFile(path, "checkpointed")).toBe("yes");
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = await SqliteStore.open({ path });
    expect(await reopened.read((tx) => tx.admin.getMeta("checkpointed"))).toBe("yes");
    await reopened.close();
  });
});
