import type { FastifyBaseLogger } from "fastify";
import { dataplaneNames } from "../domain/portsec/names.js";
import type { Store } from "../store/store.js";
import { RULES_OP_PREFIX } from "./diff.js";
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
 * reconciles the whole wire before the server listens (server namespaces seen from the data plane's side), then
 * once more reading every namespace inside, in the background.
 */
export async function startDataplane(store: Store, prefix: string, log: FastifyBaseLogger): Promise<RunningDataplane> {
  await checkPrerequisites();
  const names = dataplaneNames(prefix);
  await store.write((tx) => tx.admin.setMeta(PREFIX_META_KEY, prefix));
  const dataplane = new NetnsDataplane(store, names, log);
  // Subscribed before the first reconciliation reads the store, so no change can fall between the two.
  const unsubscribe = store.changes.subscribe(dataplane.onChange);
  const changed = await dataplane.quickReconcile();
  log.info({ changed: changed.length }, `data plane: namespaces with prefix ${prefix} reconciled`);
  // Then every namespace read inside too, while the server already answers (see quickReconcile).
  dataplane.reconcile().then(
    (repaired) => {
      if (repaired.some((what) => !what.startsWith(RULES_OP_PREFIX))) {
        log.warn({ repaired }, "data plane: the full reconciliation after start-up repaired server namespaces");
      }
    },
    (error: unknown) => log.warn({ err: error }, "data plane: the full reconciliation after start-up failed; retrying"),
  );
  return {
    dataplane,
    stop: async () => {
      unsubscribe();
      dataplane.close();
      await dataplane.idle();
    },
  };
}
