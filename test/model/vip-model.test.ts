/**
 * Model-based property test: random sequences of server, NIC, private-IP, port and VIP bind/unbind requests against
 * the real app (in-process, fresh in-memory store per sequence) and against the reference model in cloud-model.ts.
 * Every status and error code must be the model's, and so must the port list (fixed IPs, owners, pairs on both sides,
 * revisions) after every command, and the servers and their NICs at the end.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectDidWork } from "../support/did-work.js";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { finalCheck, modelStats, type Real, sequentialCommands } from "./commands.js";
import { MODEL_LIMITS, modelAppLimits } from "./limits.js";
import { buildWorld, seedServers, tallyReport } from "./runner.js";

const RUNS = Number(process.env.MODEL_RUNS ?? 800);
const MAX_COMMANDS = Number(process.env.MODEL_MAX_COMMANDS ?? 30);

let app: InjectApp;

beforeAll(async () => {
  app = await createInjectApp({ limits: modelAppLimits(), secondProject: true });
});
afterAll(async () => app?.close());

describe("the app behaves as the reference model", () => {
  it(`agrees on every answer and on the final state over ${RUNS} random sequences`, async () => {
    let sequences = 0;
    let commands = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.noBias(fc.nat({ max: 7 })).map((n) => [0, 1, 1, 2, 2, 3, 3, 3][n] as number),
        fc.commands(sequentialCommands, { maxCommands: MAX_COMMANDS, size: "max" }),
        async (initialServers, cmds) => {
          const { model, world } = await buildWorld(app, MODEL_LIMITS);
          await seedServers(app, model, world, initialServers);
          const real: Real = { app, world, goneServerIds: [], checkEveryStep: true };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await finalCheck(model, real);
          sequences++;
          commands += [...cmds].length;
        },
      ),
      { numRuns: RUNS, seed: process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : undefined },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `model: ${sequences} sequences, ${commands} commands (${modelStats.foreignRequests} naming another project's ` +
        `resources), all agreeing with the model, in ${seconds} s`,
    );
    if (process.env.MODEL_TALLY) console.log(tallyReport());
    expectDidWork("model: sequences run", sequences, RUNS);
    // Sequences that were not empty: generated commands, on average at least a quarter of the maximum per sequence.
    expectDidWork("model: commands generated", commands, (RUNS * MAX_COMMANDS) / 4, 1);
  }, 300_000);
});
