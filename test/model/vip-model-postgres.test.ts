/**
 * The model-based tests on PostgreSQL, where concurrent requests really run side by side in the database (READ
 * COMMITTED with row locks and conflict retries), not one after another as on SQLite. Skipped without
 * ECS_VIP_TEST_PG (CI sets it).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectDidWork } from "../support/did-work.js";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { createTestDatabase, NEEDS_PG } from "../support/postgres.js";
import { finalCheck, type Real, sequentialCommands } from "./commands.js";
import { Batch, batchStats, concurrentCommands } from "./concurrent.js";
import { MODEL_LIMITS, modelAppLimits } from "./limits.js";
import { buildWorld, perform, seedServers } from "./runner.js";

const SEQUENTIAL_RUNS = Number(process.env.MODEL_PG_RUNS ?? 60);
const CONCURRENT_RUNS = Number(process.env.MODEL_PG_CONCURRENT_RUNS ?? 80);

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("the model-based tests on PostgreSQL"), () => {
  let app: InjectApp;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    app = await createInjectApp({ limits: modelAppLimits(), postgresUrl: database.url, secondProject: true });
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it(`agrees with the model over ${SEQUENTIAL_RUNS} random sequences`, async () => {
    let sequences = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.noBias(fc.nat({ max: 3 })),
        fc.commands(sequentialCommands, { maxCommands: 25, size: "max" }),
        async (initialServers, cmds) => {
          const { model, world } = await buildWorld(app, MODEL_LIMITS);
          await seedServers(app, model, world, initialServers);
          const real: Real = { app, world, goneServerIds: [], checkEveryStep: true };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await finalCheck(model, real);
          sequences++;
        },
      ),
      { numRuns: SEQUENTIAL_RUNS },
    );
    console.log(`model (PostgreSQL): ${sequences} sequences agreeing with the model`);
    expectDidWork("model (PostgreSQL): sequences run", sequences, SEQUENTIAL_RUNS);
  }, 300_000);

  /** Three servers, the first with a second NIC in another subnet: where the concurrent batches run. */
  async function concurrentWorld() {
    const { model, world } = await buildWorld(app, MODEL_LIMITS);
    await seedServers(app, model, world, 3);
    await perform(app, model, {
      kind: "addNic",
      serverId: model.state.servers[0]?.id as string,
      subnetId: world.subnets[1]?.id as string,
    });
    const real: Real = { app, world, goneServerIds: [], checkEveryStep: true };
    return { model, real };
  }

  it(`explains every concurrent batch by a serial order over ${CONCURRENT_RUNS} random sequences`, async () => {
    const start = { ...batchStats };
    let sequences = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(concurrentCommands, { maxCommands: 15, size: "max" }), async (cmds) => {
        const { model, real } = await concurrentWorld();
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        await finalCheck(model, real);
        sequences++;
      }),
      { numRuns: CONCURRENT_RUNS },
    );
    console.log(
      `model (PostgreSQL, concurrent): ${sequences} sequences, ${batchStats.batches - start.batches} batches explained ` +
        `(${batchStats.explainedOnlyOutOfOrder - start.explainedOnlyOutOfOrder} only by an order other than the sending order)`,
    );
    expectDidWork("model (PostgreSQL, concurrent): sequences run", sequences, CONCURRENT_RUNS);
    expectDidWork(
      "model (PostgreSQL, concurrent): batches, at least one per sequence",
      batchStats.batches - start.batches,
      CONCURRENT_RUNS,
    );
  }, 300_000);

  it("explains a bind that only adds the VIP side's pair and an unbind of the same NIC, at once, every time", async () => {
    // A counterexample the concurrent run found: the NIC already holds the VIP's pair, so the bind locks the NIC
    // without writing it; an unbind that waited for that lock must still see the VIP port's new pair.
    const rounds = 25;
    for (let round = 0; round < rounds; round++) {
      const { model, real } = await concurrentWorld();
      const batch = (...subs: Batch["subs"][number]["sub"][]) =>
        new Batch(
          subs.map((sub) => ({ sub, delay: 0 })),
          "inject",
        );
      await batch({ t: "bind", nic: 1, vip: 0, reverse: false }, { t: "deletePort", vip: 0, v1: false }).run(
        model,
        real,
      );
      await batch({ t: "bind", nic: 1, vip: 0, reverse: true }, { t: "unbind", nic: 1 }).run(model, real);
      await finalCheck(model, real);
    }
  }, 300_000);
});
