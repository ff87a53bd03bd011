import type { DataplaneNames } from "../domain/portsec/names.js";
import { WirePlanner } from "../domain/portsec/wire-planner.js";
import { type Change, ChangeRecorder } from "../store/change-feed.js";
import type { Store } from "../store/store.js";
import { applyOps, removeNamespace } from "./apply.js";
import { ipJson } from "./command.js";
import { diffWire, type WireOp } from "./diff.js";
import { NftSession } from "./nft-session.js";
import { observeWire } from "./observe.js";
import { expectedObservation, trustServersInside } from "./wire-state.js";

export interface DataplaneLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** FAULT INJECTION FOR CRASH TESTS ONLY: SIGKILL at the Nth change, after its commit and before applying it. */
export const FAULT_CRASH_BEFORE_APPLY_ENV = "ECS_VIP_FAULT_CRASH_BEFORE_APPLY";
/** `1`: each incremental pass prints where its milliseconds went (`bench/dataplane-vpc.ts --trace` reads them). */
export const TRACE_ENV = "ECS_VIP_DATAPLANE_TRACE";
const TRACE = process.env[TRACE_ENV] === "1";
const TRACE_TAG = "ecs-vip data plane pass: ";
const RETRY_MS = [200, 500, 1000, 2000, 5000];

/**
 * The wire follows the store. Each change of the store's feed reads only the rows it touched (servers, ports,
 * subnets, their groups' rules, their EIPs); the planner (domain/portsec/wire-planner.ts, the same one a full read
 * uses) re-plans only the parts those rows reach, and the difference between those parts as they were and as they
 * are is applied (for a bind: one nftables transaction replacing that NIC's chain and the group's set elements).
 * Passes never overlap, and changes that arrive during a pass share the next one. After a failure, or on
 * `reconcile`, the wire is read back and repaired instead, retried in the background with backoff until it matches.
 */
export class NetnsDataplane {
  /** The plan last applied, in parts, with the rows it came from; each change's slice re-plans what it reaches. */
  private planner?: WirePlanner;
  /** Ids the changes since the last pass touched: what the next pass reads. */
  private readonly touched = new ChangeRecorder();
  /** Read the wire back on the next pass instead of trusting the last plan applied. */
  private wantFull = true;
  private chain: Promise<unknown> = Promise.resolve();
  private next?: Promise<string[]>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private changesSeen = 0;
  private readonly crashAt = Number(process.env[FAULT_CRASH_BEFORE_APPLY_ENV] ?? 0);
  private closed = false;
  /** The next full pass reads server namespaces from the data plane's side only (see `quickReconcile`). */
  private quick = false;
  /** A running `nft -i` in the data plane's namespace for incremental rule changes. */
  private readonly nft: NftSession;

  constructor(
    private readonly store: Store,
    readonly names: DataplaneNames,
    private readonly log?: DataplaneLog,
  ) {
    this.nft = new NftSession(names.dataplaneNamespace);
  }

  /** Change-feed listener: resolves once the wire reflects the change (or the failure was logged and a retry set). */
  readonly onChange = async (change: Change): Promise<void> => {
    this.changesSeen++;
    for (const id of change.ports) this.touched.ports.add(id);
    for (const id of change.servers) this.touched.servers.add(id);
    for (const id of change.subnets) this.touched.subnets.add(id);
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

  /**
   * A full pass that reads the server namespaces only from the data plane's side (start-up: a thousand servers read
   * inside took seconds); follow it with `reconcile` once the server listens.
   */
  quickReconcile(): Promise<string[]> {
    this.quick = true;
    return this.pass(true);
  }

  /** Waits for the passes queued so far. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.nft.close();
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
    const full = this.wantFull || !this.planner;
    this.wantFull = false;
    const touched = {
      ports: [...this.touched.ports],
      servers: [...this.touched.servers],
      subnets: [...this.touched.subnets],
    };
    this.touched.clear();
    const started = performance.now();
    let ops: WireOp[];
    let timing: Record<string, number> | undefined;
    if (full || !this.planner) {
      this.planner = undefined;
      const planner = WirePlanner.from(await this.store.read((tx) => tx.admin.networkState()), this.names);
      const plan = planner.plan();
      const quick = this.quick;
      this.quick = false;
      ops = diffWire(plan, trustServersInside(await observeWire(this.names, { serversInside: !quick }), plan));
      this.planner = planner;
    } else {
      if (touched.ports.length + touched.servers.length + touched.subnets.length === 0) return [];
      const planner = this.planner;
      try {
        const slice = await this.store.read((tx) => tx.admin.wireSlice(touched));
        const read = performance.now();
        const change = planner.apply(slice);
        const planned = performance.now();
        ops = diffWire(change.after, expectedObservation(change.before), change.wholeRules);
        timing = { read: read - started, plan: planned - read, diff: performance.now() - planned };
      } catch (error) {
        // The change's ids are spent and the planner may hold half of it: the next pass reads everything.
        this.wantFull = true;
        this.scheduleRetry();
        throw error;
      }
    }
    const applying = performance.now();
    try {
      await applyOps(ops, full ? undefined : this.nft);
    } catch (error) {
      this.wantFull = true;
      this.scheduleRetry();
      throw error;
    }
    if (TRACE && timing) {
      const apply = performance.now() - applying;
      process.stderr.write(`${TRACE_TAG}${JSON.stringify({ ...timing, apply, ops: ops.length })}\n`);
    }
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
