/**
 * A change whose slice cannot be read (the store failing for a moment) must not be lost: its ids are spent and the
 * planner may hold half of it, so the data plane reads everything again on its next pass.
 */
import { afterAll, describe, expect, it } from "vitest";
import { NetnsDataplane, tearDown } from "../../src/dataplane/netns-dataplane.js";
import { dataplaneNames } from "../../src/domain/portsec/names.js";
import type { Store } from "../../src/store/store.js";
import type { NetworkState, WireSlice } from "../../src/store/types.js";
import { SKIP_REASON, SKIP_TITLE, uniquePrefix } from "./support.js";

const EMPTY: NetworkState = { subnets: [], servers: [], ports: [], rules: [], eips: [] };

describe.skipIf(SKIP_REASON !== undefined)(`a change that could not be read${SKIP_TITLE}`, () => {
  const names = dataplaneNames(uniquePrefix());
  let dataplane: NetnsDataplane | undefined;
  afterAll(async () => {
    dataplane?.close();
    await dataplane?.idle();
    await tearDown(names);
  });

  it("makes the next pass read the whole store", async () => {
    const reads = { whole: 0, slices: 0 };
    let failing = false;
    const admin = {
      networkState: async () => {
        reads.whole++;
        return EMPTY;
      },
      wireSlice: async (ids: { ports: string[]; servers: string[]; subnets: string[] }): Promise<WireSlice> => {
        reads.slices++;
        if (failing) throw new Error("store unavailable");
        return { serverIds: ids.servers, portIds: ids.ports, subnetIds: ids.subnets, groupIds: [], ...EMPTY };
      },
    };
    const store = { read: (work: (tx: unknown) => unknown) => work({ admin }) } as unknown as Store;
    dataplane = new NetnsDataplane(store, names);
    await dataplane.reconcile();
    const change = (revision: number) => ({ revision, ports: [`p${revision}`], servers: [], subnets: [], at: "" });

    await dataplane.onChange(change(1));
    expect(reads).toEqual({ whole: 1, slices: 1 }); // a change reads its slice only

    failing = true;
    await dataplane.onChange(change(2));
    failing = false;
    await dataplane.onChange(change(3));
    await dataplane.idle();
    expect(reads.whole).toBeGreaterThanOrEqual(2);
    expect(reads.slices).toBe(2); // the change after the failure was not read as a slice on a half-patched plan
  }, 60_000);
});
