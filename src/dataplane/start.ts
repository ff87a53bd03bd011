import type { FastifyBaseLogger } from "fastify";
import { dataplaneNames } from "../domain/portsec/names.js";
import type { Store } from "../store/store.js";
import { NetnsDataplane } from "./netns-dataplane.js";
import { checkPrerequisites } from "./prerequisites.js";

/** Meta key under which the serving process records its prefix, so `ecs-vip dataplane …` finds its namespaces. */
export const PREFIX_META_KEY = "dataplane_prefix";

export interface RunningDataplane {
  dataplane: NetnsDataplane;
  stop(): Promise<void>;
}

/**
 * Starts the data plane of `ecs-vip serve --dataplane netns`: checks the machine, follows the change feed, and
 * reconciles the whole wire before the server listens.
 */
export async function startDataplane(store: Store, prefix: string, log: FastifyBaseLogger): Promise<RunningDataplane> {
  await checkPrerequisites();
  const names = dataplaneNames(prefix);
  await store.write((tx) => tx.admin.setMeta(PREFIX_META_KEY, prefix));
  const dataplane = new NetnsDataplane(store, names, log);
  // Subscribed before the first reconciliation reads the store, so no change can fall between the two.
  const unsubscribe = store.changes.subscribe(dataplane.onChange);
  const changed = await dataplane.reconcile();
  log.info({ changed: changed.length }, `data plane: namespaces with prefix ${prefix} reconciled`);
  return {
    dataplane,
    stop: async () => {
      unsubscribe();
      dataplane.close();
      await dataplane.idle();
    },
  };
}
