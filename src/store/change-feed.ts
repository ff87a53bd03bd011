/**
 * The store's change feed: every committed unit of work that touched ports, servers or subnets gets the next revision
 * and a record of the ids it touched, written in the same transaction. Consumers (the data plane, a live console)
 * follow it in revision order, and catch up after a gap with `since`.
 */
export interface Change {
  /**
   * Strictly increasing, starting at 1, with no gaps; a change that saw another's writes comes after it. SQLite takes
   * it in commit order; PostgreSQL gives it just after the commit (see change-log.ts).
   */
  revision: number;
  ports: string[];
  servers: string[];
  subnets: string[];
  /** Commit time (ISO 8601) as the writing process saw it. */
  at: string;
}

/** May return a promise: a write on this process is answered only after its change's listeners settle. */
export type ChangeListener = (change: Change) => void | Promise<void>;

export interface ChangeFeed {
  /** Revision of the latest committed change (0 before the first). */
  currentRevision(): Promise<number>;
  /**
   * Committed changes after `revision`, oldest first, at most `limit`. Old entries are pruned: when the first one
   * returned is not `revision + 1`, the caller missed some and should reload what it follows.
   */
  since(revision: number, limit?: number): Promise<Change[]>;
  /**
   * Every change committed after this call, once each, in revision order: this process's own writes right after
   * their commit, other processes' writes (PostgreSQL) within a bounded delay. Returns the unsubscribe function.
   */
  subscribe(listener: ChangeListener): () => void;
}

/** Ids one unit of work touched, gathered by the SQL layer as it writes. */
export class ChangeRecorder {
  readonly ports = new Set<string>();
  readonly servers = new Set<string>();
  readonly subnets = new Set<string>();
  /** Whether it raised the identity revision (no entry in the change feed; see `Store.identityStamp`). */
  identity = false;

  get empty(): boolean {
    return this.ports.size === 0 && this.servers.size === 0 && this.subnets.size === 0;
  }

  clear(): void {
    this.ports.clear();
    this.servers.clear();
    this.subnets.clear();
    this.identity = false;
  }
}

/**
 * Hands changes to the listeners of one process, in revision order and once each: a revision at or below the last
 * delivered one is skipped. A listener that throws is logged by nobody here; it must handle its own failures.
 */
export class ChangeHub {
  private readonly listeners = new Set<ChangeListener>();
  private chain: Promise<void> = Promise.resolve();

  constructor(public deliveredRevision = 0) {}

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Queues delivery of `changes` after whatever is being delivered; resolves when these have been delivered. */
  deliver(changes: readonly Change[]): Promise<void> {
    return this.serialize((deliverNow) => deliverNow(changes));
  }

  /**
   * Runs `step` in the delivery order and waits for it; `step` delivers through the function it is given (e.g. it
   * reads the log since `deliveredRevision`, then delivers what it found). A failing step is dropped, not rethrown.
   */
  serialize(step: (deliverNow: (changes: readonly Change[]) => Promise<void>) => Promise<void>): Promise<void> {
    this.chain = this.chain.then(() => step((changes) => this.deliverNow(changes))).catch(() => undefined);
    return this.chain;
  }

  private async deliverNow(changes: readonly Change[]): Promise<void> {
    for (const change of changes) {
      if (change.revision <= this.deliveredRevision) continue;
      this.deliveredRevision = change.revision;
      await Promise.all([...this.listeners].map((listener) => safely(listener, change)));
    }
  }
}

async function safely(listener: ChangeListener, change: Change): Promise<void> {
  try {
    await listener(change);
  } catch {
    // A consumer's failure is its own (the data plane retries in the background); the write stays committed.
  }
}
