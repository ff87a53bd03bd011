/**
 * The fuzz loop, for any store: sends `total` generated requests round-robin over every route, judges each answer,
 * and checks that rejected requests leave the store as it was — by comparing the full store dump before and after
 * each one in a `verifyShare` of the run (in blocks of 500), and elsewhere by checking that no write transaction
 * committed. Accepted requests that change the world are followed by a repair (or a new world).
 */
import { expect } from "vitest";
import { expectDidWork } from "../support/did-work.js";
import type { InjectApp } from "../support/inject-app.js";
import { buildFuzzWorld, discoverRoutes, type FuzzWorld, type Route, repairWorld } from "./catalog.js";
import { type Credentials, type FuzzRequest, generate } from "./mutate.js";
import { envelopeOf, judge } from "./oracle.js";
import { Rng } from "./prng.js";
import { trackWrites, type WriteCounter } from "./write-tracker.js";

/** A new world this often at the latest. */
const NEW_WORLD_EVERY = 2000;
/** Requests run in blocks; in a verified block the full store dump is compared around every rejected request. */
const BLOCK = 500;
/** Errors with which Node refuses to build a request (invalid header name or value): such a request is not sent. */
const UNSENDABLE_CODES = new Set(["ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN", "ERR_HTTP_INVALID_HEADER_VALUE"]);
const isVerifiedBlock = (block: number, share: number) => Math.floor((block + 1) * share) !== Math.floor(block * share);

const safeJson = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export interface Failure {
  request: { method: string; url: string; headers: Record<string, string>; payload?: string };
  mutations: string[];
  status: number;
  body: string;
  problems: string[];
}

function describeRequest(request: FuzzRequest): Failure["request"] {
  const payload =
    request.payload === undefined
      ? undefined
      : Buffer.isBuffer(request.payload)
        ? `base64:${request.payload.toString("base64").slice(0, 400)}`
        : request.payload.slice(0, 400);
  return {
    method: request.method,
    url: request.url.slice(0, 400),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.slice(0, 120)])),
    payload,
  };
}

export async function fuzzCredentials(app: InjectApp): Promise<Credentials> {
  const identity = await app.dump();
  return {
    token: app.token,
    tokenSecret: String(identity.meta?.find((row) => row.key === "token_secret")?.value),
    accountId: String(identity.accounts?.[0]?.id),
    userId: String(identity.users?.[0]?.id),
  };
}

export interface FuzzOptions {
  label: string;
  total: number;
  seed: number;
  verifyShare: number;
  /** Count answers by route, status and code (printed by the caller). */
  tally?: Map<string, number>;
}

export async function runFuzz(app: InjectApp, options: FuzzOptions) {
  const credentials = await fuzzCredentials(app);
  const tally = options.tally;
  const rng = new Rng(options.seed);
  const routes: Route[] = discoverRoutes(app.app);
  const perRoute = new Map<string, number>();
  const counts = {
    sent: 0,
    c2xx: 0,
    c3xx: 0,
    c4xx: 0,
    c5xx: 0,
    dumpVerified: 0,
    writeChecked: 0,
    unsendable: 0,
    worlds: 0,
    repairs: 0,
  };
  const writes: WriteCounter = { commits: 0, writesInReads: 0 };
  const failures: Failure[] = [];
  const unsendableBy = new Map<string, number>();
  let failureCount = 0;
  let world: FuzzWorld | undefined;
  let verifying = false;
  let before = "";
  let sinceWorld = 0;
  const dump = async () => JSON.stringify(await app.dump());
  const started = performance.now();

  for (let i = 0; i < options.total; i++) {
    if (i % BLOCK === 0) {
      verifying = isVerifiedBlock(i / BLOCK, options.verifyShare);
      if (verifying && world) before = await dump();
    }
    if (!world || sinceWorld >= NEW_WORLD_EVERY) {
      world = await buildFuzzWorld(app);
      app.context.store = trackWrites(app.context.store, writes);
      if (verifying) before = await dump();
      sinceWorld = 0;
      counts.worlds++;
    }
    const route = routes[i % routes.length] as Route;
    const request = generate(rng, { world, credentials, route });
    const commitsBefore = writes.commits;
    const writesInReadsBefore = writes.writesInReads;
    let response: Awaited<ReturnType<typeof app.app.inject>>;
    try {
      response = await app.app.inject({
        method: request.method as "GET",
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      });
    } catch (error) {
      // Node's HTTP layer refused to build it (a header no HTTP client may send): not sent, counted by reason. Any
      // other exception is a failure, so a broken app cannot pass as "nothing was sendable".
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && UNSENDABLE_CODES.has(code)) {
        counts.unsendable++;
        unsendableBy.set(code, (unsendableBy.get(code) ?? 0) + 1);
        continue;
      }
      failureCount++;
      if (failures.length < 25) {
        failures.push({
          request: describeRequest(request),
          mutations: request.mutations,
          status: 0,
          body: "",
          problems: [`inject() threw ${String(error)}`],
        });
      }
      continue;
    }
    counts.sent++;
    sinceWorld++;
    perRoute.set(`${route.method} ${route.path}`, (perRoute.get(`${route.method} ${route.path}`) ?? 0) + 1);
    const status = response.statusCode;
    if (status >= 500) counts.c5xx++;
    else if (status >= 400) counts.c4xx++;
    else if (status >= 300) counts.c3xx++;
    else counts.c2xx++;

    const problems = judge(request.method, request.url, {
      status,
      headers: response.headers,
      text: response.body,
    });
    if (tally) {
      const code = status >= 400 ? (envelopeOf(safeJson(response.body))?.code ?? "?") : "";
      const key = `${route.method} ${route.path} ${status} ${code}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    if (writes.writesInReads !== writesInReadsBefore) problems.push("a read transaction called a mutating method");
    const committed = writes.commits !== commitsBefore;
    if (verifying) {
      const after = await dump();
      if (status >= 400) {
        counts.dumpVerified++;
        if (after !== before) problems.push("the store dump changed although the request was rejected");
      }
      before = after;
    } else if (status >= 400) {
      counts.writeChecked++;
      if (committed) problems.push("a write transaction committed although the request was rejected");
    }
    if (status < 400 && committed) {
      // An accepted request changed the world: put back what it deleted, or start from a new world.
      const now = verifying ? before : await dump();
      if (await repairWorld(app, world, now)) counts.repairs++;
      else sinceWorld = NEW_WORLD_EVERY;
      if (verifying) before = await dump();
    }
    if (problems.length > 0) {
      failureCount++;
      if (failures.length < 25) {
        failures.push({
          request: describeRequest(request),
          mutations: request.mutations,
          status,
          body: response.body.slice(0, 300),
          problems,
        });
      }
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary =
    `fuzz (${options.label}): ${counts.sent} requests sent over ${routes.length} routes (seed ${options.seed}): ` +
    `${counts.c2xx} 2xx, ${counts.c3xx} 3xx, ${counts.c4xx} 4xx, 5xx seen: ${counts.c5xx}; rejected requests with ` +
    `the full store dump verified unchanged: ${counts.dumpVerified}, the others (${counts.writeChecked}) verified ` +
    `to commit no write; ${counts.worlds} worlds, ${counts.repairs} repairs; ${counts.unsendable} not sendable ` +
    `(${[...unsendableBy].map(([code, n]) => `${code}: ${n}`).join(", ") || "none"}); ` +
    `${failureCount} answers with problems; ${seconds} s`;
  return { routes, perRoute, counts, failures, failureCount, summary };
}

/**
 * The run did its work: at least 99% of the planned requests were sent and judged, and every route got at least half
 * its share, so a run that sent nothing (or skipped a route) cannot pass for a clean one.
 */
export function expectFuzzDidWork(result: Awaited<ReturnType<typeof runFuzz>>, total: number, label: string): void {
  expectDidWork(`fuzz (${label}) requests sent`, result.counts.sent, total, 0.99);
  expect(result.routes.length).toBeGreaterThan(30);
  const share = total / result.routes.length / 2;
  const starved = result.routes
    .map((route) => `${route.method} ${route.path}`)
    .filter((key) => (result.perRoute.get(key) ?? 0) < share);
  expect(starved, `routes sent fewer than ${share.toFixed(0)} requests`).toEqual([]);
}
