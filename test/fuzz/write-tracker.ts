import type { Store, Tx } from "../../src/store/store.js";

/** Counts what reaches the store: committed write transactions, and mutating calls made inside read transactions. */
export interface WriteCounter {
  commits: number;
  writesInReads: number;
}

const MUTATING = /^(insert|update|delete|set)/;

/** The same store, counting; every other member passes through untouched. */
export function trackWrites(store: Store, counter: WriteCounter): Store {
  const guarded = <T extends object>(repository: T): T =>
    new Proxy(repository, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof name === "string" && MUTATING.test(name) && typeof value === "function") {
          return (...args: unknown[]) => {
            counter.writesInReads++;
            return value.apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  // Each repository of the unit of work, guarded.
  const guardedTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        return typeof value === "object" && value !== null ? guarded(value) : value;
      },
    });
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === "write") {
        return async <T>(work: (tx: Tx) => Promise<T>) => {
          const result = await target.write(work);
          counter.commits++;
          return result;
        };
      }
      if (name === "read") return <T>(work: (tx: Tx) => Promise<T>) => target.read((tx) => work(guardedTx(tx)));
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
