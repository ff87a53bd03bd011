import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreDump } from "../../src/domain/invariants/dump-view.js";
import { FAULT_CRASH_AFTER_WRITES_ENV } from "../../src/store/sql/fault-injection.js";
import { spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";
import {
  CRASH_STORES,
  type CrashStore,
  crashStore,
  crashStoreNeeds,
  holderOf,
  inspectStore,
  pairsOf,
} from "./support.js";

/**
 * Crash-point enumeration: a server started with the fault hook armed at write N kills itself (SIGKILL) right after
 * the Nth data-changing statement of one request; N runs 1, 2, … until the request completes. After every crash the
 * store must hold the request completely or not at all (here: not at all, since no step is past the commit), pass
 * `ecs-vip check`, and the next server must start on it.
 */
type Nic = Awaited<ReturnType<typeof createServers>>[number];

interface World {
  subnetId: string;
  a: Nic;
  b: Nic;
}

const OLD_VIP = "192.168.0.100";
const NEW_VIP = "192.168.0.101";

interface Scenario {
  name: string;
  nic: (world: World) => Nic;
  body: (world: World) => Record<string, unknown>;
  /** Each fact of the request's effect: all false before, all true after, and never a mix. */
  facts: (dump: StoreDump, world: World) => Record<string, boolean>;
}

const hasPair = (dump: StoreDump, portId: string | undefined, ip: string, mac: string) =>
  portId !== undefined && pairsOf(dump, portId).some((pair) => pair.ip === ip && pair.mac === mac);
const vipId = (dump: StoreDump, world: World, ip: string) =>
  holderOf(dump, world.subnetId, ip)?.id as string | undefined;

const SCENARIOS: Scenario[] = [
  {
    name: "bind a new VIP both ways to a NIC that already holds one",
    nic: (w) => w.a,
    body: (w) => ({ nic: { subnet_id: w.subnetId, ip_address: NEW_VIP, reverse_binding: true } }),
    facts: (dump, w) => ({
      "VIP port exists": vipId(dump, w, NEW_VIP) !== undefined,
      "NIC pair": hasPair(dump, w.a.nicId, NEW_VIP, w.a.mac),
      "reverse pair": hasPair(dump, vipId(dump, w, NEW_VIP), w.a.ip, w.a.mac),
    }),
  },
  {
    name: "bind an existing VIP both ways to a second NIC",
    nic: (w) => w.b,
    body: (w) => ({ nic: { subnet_id: w.subnetId, ip_address: OLD_VIP, reverse_binding: true } }),
    facts: (dump, w) => ({
      "NIC pair": hasPair(dump, w.b.nicId, OLD_VIP, w.b.mac),
      "reverse pair": hasPair(dump, vipId(dump, w, OLD_VIP), w.b.ip, w.b.mac),
    }),
  },
  {
    name: "unbind a NIC bound both ways to two VIPs",
    nic: (w) => w.a,
    body: () => ({ nic: { subnet_id: "", ip_address: "" } }),
    facts: (dump, w) => ({
      "NIC pairs gone": pairsOf(dump, w.a.nicId).length === 0,
      "reverse pair on the old VIP gone": !hasPair(dump, vipId(dump, w, OLD_VIP), w.a.ip, w.a.mac),
      "reverse pair on the new VIP gone": !hasPair(dump, vipId(dump, w, NEW_VIP), w.a.ip, w.a.mac),
    }),
  },
];

/**
 * What the fault hook says when it fires at write step n: after the write, or, on PostgreSQL, just before a write
 * that carries its unit of work's COMMIT in the same round trip (the last point before that commit).
 */
const crashedAt = (n: number) =>
  new RegExp(`fault injection: SIGKILL (after write ${n}|before write ${n}, which carries its COMMIT)\\n`);

const allAre = (facts: Record<string, boolean>, value: boolean) => Object.values(facts).every((f) => f === value);

for (const kind of CRASH_STORES) {
  const needs = crashStoreNeeds(kind);
  // The scenarios build on each other (the VIP the first binds is the one the second reuses and the third unbinds),
  // so they keep their order even under --sequence.shuffle.
  describe.skipIf(needs.skip)(needs.title(`crash points on ${kind}`), { shuffle: false }, () => {
    let store: CrashStore;
    let world: World;
    const identity = testIdentity();
    const summary: string[] = [];

    beforeAll(async () => {
      store = await crashStore(kind);
      const server = await spawnServer({ db: store.db, identity, dataDir: store.dir });
      try {
        const api = await ApiClient.login(server.url, identity.projectId, identity.password);
        const net = await createNetwork(api);
        const [a, b] = (await createServers(api, net.vpcId, net.subnetId, 2)) as [Nic, Nic];
        world = { subnetId: net.subnetId, a, b };
        const bound = await api.call("PUT", api.p(`/cloudservers/nics/${a.nicId}`), {
          nic: { subnet_id: net.subnetId, ip_address: OLD_VIP, reverse_binding: true },
        });
        expect(bound.status).toBe(200);
      } finally {
        expect((await server.terminate()).code).toBe(0);
      }
    });
    afterAll(async () => {
      console.log(`crash points on ${kind}:\n  ${summary.join("\n  ")}`);
      await store?.dispose();
    });

    for (const scenario of SCENARIOS) {
      it(`${scenario.name}: every write step crashed leaves nothing half done`, async () => {
        const before = await inspectStore(store.db);
        expect(before.violations).toEqual([]);
        expect(allAre(scenario.facts(before.dump, world), false)).toBe(true);

        let crashes = 0;
        for (let n = 1; ; n++) {
          expect(n, "the request never completed").toBeLessThan(40);
          const server = await spawnServer({
            db: store.db,
            identity,
            dataDir: store.dir,
            env: { [FAULT_CRASH_AFTER_WRITES_ENV]: String(n) },
          });
          const api = await ApiClient.login(server.url, identity.projectId, identity.password);
          const nic = scenario.nic(world);
          const response = await api
            .call("PUT", api.p(`/cloudservers/nics/${nic.nicId}`), scenario.body(world))
            .catch((error: unknown) => error as Error);

          if (response instanceof Error) {
            const exit = await server.exited;
            expect(exit.signal).toBe("SIGKILL");
            expect(server.stderr()).toMatch(crashedAt(n));
            const after = await inspectStore(store.db);
            expect(after.violations, `check after a crash at write ${n}`).toEqual([]);
            const facts = scenario.facts(after.dump, world);
            expect(
              allAre(facts, true) || allAre(facts, false),
              `half done at write ${n}: ${JSON.stringify(facts)}`,
            ).toBe(true);
            // No step is past the commit, so nothing of the request may be visible, down to the last column.
            expect(after.dump).toEqual(before.dump);
            crashes++;
            continue;
          }

          expect(response.status).toBe(200);
          const exit = await server.terminate();
          // Past the request's last write step the crash point can fall on a write made after the answer (the audit
          // trail records the request once it is answered): the request must then be there whole, as after a clean
          // exit.
          if (exit.signal === "SIGKILL") {
            expect(server.stderr()).toMatch(crashedAt(n));
          } else {
            expect(server.stderr()).not.toContain("fault injection");
            expect(exit.code).toBe(0);
          }
          const after = await inspectStore(store.db);
          expect(after.violations).toEqual([]);
          expect(scenario.facts(after.dump, world)).toEqual(
            Object.fromEntries(Object.keys(scenario.facts(after.dump, world)).map((key) => [key, true])),
          );
          summary.push(`${scenario.name}: ${crashes} write steps, crashed after each, then completed`);
          // Every scenario writes at least a port row, its pair rows and the other side's: on SQLite a statement each;
          // on PostgreSQL the ports' writes travel with the change record and the COMMIT as one round trip
          // (deferred-writes.ts, pg-executor.ts), and the crash points are just before it and any write before it (a
          // new VIP port, its address).
          expect(crashes).toBeGreaterThanOrEqual(kind === "postgres" ? 1 : 4);
          break;
        }
        // A server start per write step: minutes on a loaded machine (no timing is asserted).
      }, 600_000);
    }
  });
}
