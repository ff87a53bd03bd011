import type { Store, Tx } from "./store.js";

/** What an observer learns of each unit of work: its kind, how long it took, whether it committed, how many runs. */
export interface StoreObserver {
  transactionFinished(kind: "read" | "write", seconds: number, ok: boolean, attempts: number): void;
}

/**
 * The same store, timing every unit of work. A unit of work the store re-runs after a conflict is called again, so
 * counting the calls counts the retries without the store knowing it is watched.
 */
export function observeStore(store: Store, observer: StoreObserver): Store {
  const run = async <T>(
    kind: "read" | "write",
    work: (tx: Tx) => Promise<T>,
    options?: { single?: boolean },
  ): Promise<T> => {
    const started = process.hrtime.bigint();
    let attempts = 0;
    let ok = false;
    try {
      const counted = (tx: Tx) => {
        attempts++;
        return work(tx);
      };
      const result = await (kind === "read" ? store.read(counted, options) : store.write(counted));
      ok = true;
      return result;
    } finally {
      observer.transactionFinished(kind, Number(process.hrtime.bigint() - started) / 1e9, ok, attempts);
    }
  };
  return {
    get kind() {
      return store.kind;
    },
    get changes() {
      return store.changes;
    },
    write: (work) => run("write", work),
    read: (work, options) => run("read", work, options),
    identityStamp: () => store.identityStamp?.(),
    schemaVersion: () => store.schemaVersion(),
    close: () => store.close(),
  };
}
