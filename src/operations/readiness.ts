import type { Store } from "../store/store.js";

/**
 * The store answers one statement. It must send one: a unit of work that sends nothing sends no BEGIN on PostgreSQL,
 * and an idle pooled connection to a server that has just gone still looks alive.
 */
export async function storeAnswers(store: Store): Promise<true> {
  await store.read((tx) => tx.iam.identityRevision(), { single: true });
  return true;
}

/** One condition `/readyz` reports: `true` when met, or a reason it is not. */
export type ReadinessCheck = () => Promise<true | string> | true | string;

/**
 * What must hold before this process should take traffic. The store checks are always there; other parts (the data
 * plane, once it reconciles) add theirs with `set`, e.g. `readiness.set("dataplane", () => reconciled || "syncing")`.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** The store answers a read and its schema is at this build's version. */
  checkStore(store: () => Store): void {
    this.set("store", () => storeAnswers(store()));
    this.set("migrations", async () => {
      const { current, latest } = await store().schemaVersion();
      return current === latest || `schema at version ${current}, this build needs ${latest}`;
    });
  }

  set(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of this.checks) {
      let outcome: true | string;
      try {
        outcome = await check();
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
      }
      checks[name] = outcome === true ? "ok" : outcome;
      if (outcome !== true) ready = false;
    }
    return { ready, checks };
  }
}
