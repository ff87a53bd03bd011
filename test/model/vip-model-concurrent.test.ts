/**
 * Concurrent variant of the model test: batches of 2–4 colliding requests (binds and unbinds on shared VIPs and
 * NICs, VIP deletions through both APIs, private-IP assignment of the same addresses, NIC adds and deletes, hand-set
 * pairs) are sent together; answers and state must match one serial order the model allows.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectDidWork } from "../support/did-work.js";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { AddNic, Bind, type Cmd, CreateServers, finalCheck, type Real } from "./commands.js";
import { Batch, batchStats, concurrentCommands } from "./concurrent.js";
import { MODEL_LIMITS, modelAppLimits } from "./limits.js";
import { buildWorld, perform, seedServers } from "./runner.js";

const RUNS = Number(process.env.MODEL_CONCURRENT_RUNS ?? 250);
const MAX_COMMANDS = Number(process.env.MODEL_MAX_COMMANDS ?? 20);

let app: InjectApp;

beforeAll(async () => {
  app = await createInjectApp({ limits: modelAppLimits(), secondProject: true });
});
afterAll(async () => app?.close());

async function explainBatches(runs: number, seed: number | undefined): Promise<{ sequences: number; batches: number }> {
  let sequences = 0;
  let batches = 0;
  await fc.assert(
    fc.asyncProperty(fc.commands(concurrentCommands, { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
      const { model, world } = await buildWorld(app, MODEL_LIMITS);
      await seedServers(app, model, world, 3);
      const secondNic = model.state.servers[0]?.id as string;
      await perform(app, model, { kind: "addNic", serverId: secondNic, subnetId: world.subnets[1]?.id as string });
      const real: Real = { app, world, goneServerIds: [], checkEveryStep: true };
      await fc.asyncModelRun(() => ({ model, real }), cmds);
      await finalCheck(model, real);
      sequences++;
      batches += [...cmds].filter((cmd) => cmd.toString().startsWith("Batch")).length;
    }),
    { numRuns: runs, seed },
  );
  return { sequences, batches };
}

describe("concurrent requests behave as some serial order of them", () => {
  it(`explains every batch by a serial order over ${RUNS} random sequences`, async () => {
    const started = performance.now();
    const { sequences, batches } = await explainBatches(
      RUNS,
      process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : undefined,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `model (concurrent): ${sequences} sequences, ${batches} batches of 2–4 concurrent requests each explained by a ` +
        `serial order (${batchStats.explainedOnlyOutOfOrder} of ${batchStats.batches} checked batches by an order ` +
        `other than the sending order), in ${seconds} s`,
    );
    expectDidWork("model (concurrent): sequences run", sequences, RUNS);
    expectDidWork("model (concurrent): batches, at least one per sequence", batches, RUNS);
  }, 300_000);

  // Kept counterexample, as the commands themselves (a seed replays it only while the generators stay unchanged): two
  // serial orders left the same ports but gave a server its NICs in another order; the checker picked the wrong one
  // until it compared NIC order too. The run must still reach a batch that NIC order alone decides.
  it("explains a batch whose serial orders differ only in a server's NIC order (stored command list)", async () => {
    const decidedBefore = batchStats.ordersRejectedOnlyForNicOrder;
    const { model, world } = await buildWorld(app, MODEL_LIMITS);
    await seedServers(app, model, world, 3);
    const secondNic = model.state.servers[0]?.id as string;
    await perform(app, model, { kind: "addNic", serverId: secondNic, subnetId: world.subnets[1]?.id as string });
    const real: Real = { app, world, goneServerIds: [], checkEveryStep: true };
    await fc.asyncModelRun(() => ({ model, real }), NIC_ORDER_COUNTEREXAMPLE());
    await finalCheck(model, real);
    expect(batchStats.ordersRejectedOnlyForNicOrder).toBeGreaterThan(decidedBefore);
  });
});

/** Found with seed -1668157440 (110 runs) before the generators changed; fresh command objects for every run. */
const NIC_ORDER_COUNTEREXAMPLE = (): Cmd[] => [
  new Batch(
    [
      { sub: { t: "bind", nic: 0, vip: 0, reverse: true }, delay: 3 },
      { sub: { t: "bind", nic: 0, vip: 0, reverse: true }, delay: 3 },
    ],
    "inject",
  ),
  new Batch(
    [
      { sub: { t: "assign", vip: 3 }, delay: 3 },
      { sub: { t: "addNic", server: 0 }, delay: 1 },
      { sub: { t: "bind", nic: 2, vip: 4, reverse: true }, delay: 0 },
    ],
    "inject",
  ),
  new AddNic(2, 0, { t: "auto" }),
  new CreateServers(0, [{ subnet: 0, ip: { t: "auto" } }], 1, true),
  new Batch(
    [
      { sub: { t: "unbind", nic: 2 }, delay: 2 },
      { sub: { t: "deletePort", vip: 3, v1: false }, delay: 0 },
      { sub: { t: "bind", nic: 0, vip: 3, reverse: true }, delay: 0 },
    ],
    "inject",
  ),
  new Batch(
    [
      { sub: { t: "addNic", server: 3 }, delay: 3 },
      { sub: { t: "addNic", server: 3 }, delay: 0 },
      { sub: { t: "deletePort", vip: 3, v1: false }, delay: 1 },
      { sub: { t: "unbind", nic: 1 }, delay: 1 },
    ],
    "inject",
  ),
  new Batch(
    [
      { sub: { t: "unbind", nic: 1 }, delay: 0 },
      { sub: { t: "bind", nic: 0, vip: 0, reverse: false }, delay: 1 },
    ],
    "http",
  ),
  new CreateServers(0, [{ subnet: 0, ip: { t: "auto" } }], 1, true),
  new Batch(
    [
      { sub: { t: "setPairs", nic: 1, vips: [] }, delay: 3 },
      { sub: { t: "bind", nic: 1, vip: 3, reverse: false }, delay: 1 },
      { sub: { t: "bind", nic: 0, vip: 4, reverse: false }, delay: 3 },
      { sub: { t: "bind", nic: 0, vip: 3, reverse: false }, delay: 1 },
    ],
    "inject",
  ),
  new Batch(
    [
      { sub: { t: "assign", vip: 2 }, delay: 1 },
      { sub: { t: "bind", nic: 0, vip: 1, reverse: false }, delay: 0 },
    ],
    "http",
  ),
  new Bind(3, 1, 0, { t: "offset", n: 11 }, true),
  new AddNic(0, 0, { t: "auto" }),
  new Batch(
    [
      { sub: { t: "unbind", nic: 1 }, delay: 2 },
      { sub: { t: "deleteNic", server: 0 }, delay: 0 },
    ],
    "inject",
  ),
  new Bind(2, 1, 0, { t: "offset", n: 12 }, false),
];
