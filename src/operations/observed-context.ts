import { observeStore, type StoreObserver } from "../store/observed-store.js";
import type { Store } from "../store/store.js";
import type { UseCaseContext, UseCaseObserver } from "../usecases/context.js";

/**
 * The caller's context seen through an observer: the same limits, clock and ids, its store (whichever it holds now;
 * tests swap stores) timed, and the observer told of bind outcomes. The caller's context object is left as it was.
 */
export function observedContext(base: UseCaseContext, observer: StoreObserver & UseCaseObserver): UseCaseContext {
  const wrappers = new WeakMap<Store, Store>();
  const derived = Object.create(base) as UseCaseContext;
  Object.defineProperty(derived, "store", {
    enumerable: true,
    get() {
      let wrapped = wrappers.get(base.store);
      if (!wrapped) {
        wrapped = observeStore(base.store, observer);
        wrappers.set(base.store, wrapped);
      }
      return wrapped;
    },
    set(store: Store) {
      base.store = store;
    },
  });
  Object.defineProperty(derived, "observer", { enumerable: true, value: observer });
  return derived;
}
