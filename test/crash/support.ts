import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkStore } from "../../src/cli/check.js";
import type { StoreDump } from "../../src/domain/invariants/dump-view.js";
import { openStore } from "../../src/store/open-store.js";
import { createTestDatabase, NEEDS_PG } from "../support/postgres.js";
import { type Needs, requires } from "../support/requirements.js";

export interface CrashStore {
  kind: "sqlite" | "postgres";
  db: string;
  /** A scratch directory for credentials.json and the SQLite file. */
  dir: string;
  dispose: () => Promise<void>;
}

/** The stores a crash test runs against: SQLite, and PostgreSQL (skipped with its reason without ECS_VIP_TEST_PG). */
export const CRASH_STORES: CrashStore["kind"][] = ["sqlite", "postgres"];

/** What a crash test on `kind` needs: `describe.skipIf(needs.skip)(needs.title(...))`. */
export function crashStoreNeeds(kind: CrashStore["kind"]): Needs {
  return kind === "postgres" ? NEEDS_PG : requires();
}

export async function crashStore(kind: CrashStore["kind"]): Promise<CrashStore> {
  const dir = mkdtempSync(join(tmpdir(), `ecs-vip-crash-${kind}-`));
  if (kind === "sqlite") {
    return {
      kind,
      db: `sqlite:${join(dir, "ecs-vip.db")}`,
      dir,
      dispose: async () => rmSync(dir, { recursive: true }),
    };
  }
  const database = await createTestDatabase();
  return {
    kind,
    db: database.url,
    dir,
    dispose: async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What `ecs-vip check` finds in the store (the same code the CLI runs, in this process to spare a process start per
 * kill) and a dump of it, read while no server is running: exactly the state a restarted server would find.
 */
export async function inspectStore(db: string): Promise<{ violations: string[]; dump: StoreDump }> {
  const store = await openStore(db, { readOnly: true });
  try {
    const violations = await checkStore(store);
    const dump = await store.read((tx) => tx.admin.dump());
    return { violations, dump };
  } finally {
    await store.close();
  }
}

export type Row = Record<string, unknown>;

export function table(dump: StoreDump, name: string): Row[] {
  return dump[name] ?? [];
}

/** The port holding `ip` in `networkId`, if any. */
export function holderOf(dump: StoreDump, networkId: string, ip: string): Row | undefined {
  const fixed = table(dump, "fixed_ips").find((row) => row.network_id === networkId && row.ip_address === ip);
  return fixed ? table(dump, "ports").find((row) => row.id === fixed.port_id) : undefined;
}

export function pairsOf(dump: StoreDump, portId: string): { ip: string; mac: string }[] {
  return table(dump, "address_pairs")
    .filter((row) => row.port_id === portId)
    .map((row) => ({ ip: String(row.ip_address), mac: String(row.mac_address) }));
}
