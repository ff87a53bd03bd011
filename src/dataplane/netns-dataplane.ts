import type { DataplaneNames } from "../domain/portsec/names.js";
import { planWire, type WirePlan } from "../domain/portsec/topology.js";
import type { Change } from "../store/change-feed.js";
import type { Store } from "../store/store.js";
import { applyOps, removeNamespace } from "./apply.js";
import { ipJson } from "./command.js";
import { diffWire } from "./diff.js";
import { observeWire } from "./observe.js";
import { expectedObservation } from "./wire-state.js";

export interface DataplaneLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** FAULT INJECTION FOR CRASH TESTS ONLY: SIGKILL at the Nth change, after its commit and before applying it. */
export const FAULT_CRASH_BEFORE_APPLY_ENV = "ECS_VIP_FAULT_CRASH_BEFORE_APPLY";
const RETRY_MS = [200, 500, 1000, 2000, 5000];

/**
 * The wire follows the store. Each change of the store's feed recomputes the whole plan from the store and applies
 * the difference from the last plan applied (for a bind: one `nft -f`); passes never overlap, and changes that arrive
 * during a pass share the next one. After a failure, or on `reconcile`, the wire is read back and repaired instead,
 * retried in the background with backoff until it matches.
 */
export class NetnsDataplane {
  private applied?: WirePlan;
  /** Read the wire back on the next pass instead of trusting the last plan applied. */
  private wantFull = true;
  private chain: Promise<unknown> = Promise.resolve();
  private next?: Promise<string[]>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private changesSeen = 0;
  private readonly crashAt = Number(process.env[FAULT_CRASH_BEFORE_APPLY_ENV] ?? 0);
  private closed = false;

  constructor(
    private readonly store: Store,
    readonly names: DataplaneNames,
    private readonly log?: DataplaneLog,
  ) {}

  /** Change-feed listener: resolves once the wire reflects the change (or the failure was logged and a retry set). */
  readonly onChange = async (change: Change): Promise<void> => {
    this.changesSeen++;
    if (this.crashAt > 0 && this.changesSeen >= this.crashAt) {
      process.stderr.write(`ecs-vip: fault injection: SIGKILL before applying revision ${change.revision}\n`);
      process.kill(process.pid, "SIGKILL");
    }
    try {
      await this.pass(false);
    } catch (error) {
      this.log?.error(
        { err: error, revision: change.revision, ports: change.ports, servers: change.servers },
        "data plane: applying a change failed; the store stays the truth, reconciling in the background",
      );
    }
  };

  /** Reads the wire back and makes it match the store exactly; resolves to what it changed. */
  reconcile(): Promise<string[]> {
    return this.pass(true);
  }

  /** Waits for the passes queued so far. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private pass(full: boolean): Promise<string[]> {
    if (full) this.wantFull = true;
    if (this.next) return this.next;
    const next = this.chain.then(() => {
      this.next = undefined;
      return this.applyOnce();
    });
    this.next = next;
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async applyOnce(): Promise<string[]> {
    const plan = planWire(await this.store.read((tx) => tx.admin.networkState()), this.names);
    const full = this.wantFull || !this.applied;
    this.wantFull = false;
    const observed = !full && this.applied ? expectedObservation(this.applied) : await observeWire(this.names);
    const ops = diffWire(plan, observed);
    try {
      await applyOps(ops);
    } catch (error) {
      this.wantFull = true;
      this.scheduleRetry();
      throw error;
    }
    this.applied = plan;
    this.failures = 0;
    return ops.map((op) => op.what);
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)] as number;
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconcile().then(
        (changed) => this.log?.info({ changed }, "data plane: reconciled after a failure"),
        (error: unknown) => this.log?.warn({ err: error }, "data plane: reconciliation failed; retrying"),
      );
    }, delay);
    this.retryTimer.unref();
  }
}

/** Removes every namespace of the prefix (with whatever runs in them); resolves to the namespaces removed. */
export async function tearDown(names: DataplaneNames): Promise<string[]> {
  const listed = await ipJson<{ name: string }>(["netns", "list"]);
  const owned = listed.map((entry) => entry.name).filter((name) => names.owns(name));
  // Servers and gateways first, the data plane's own namespace (bridges, rules) last.
  owned.sort((a, b) => Number(a === names.dataplaneNamespace) - Number(b === names.dataplaneNamespace));
  for (const namespace of owned) await removeNamespace(namespace);
  return owned;
}
