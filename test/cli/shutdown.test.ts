import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRASH_STORES, type CrashStore, crashStore, crashStoreNeeds, inspectStore, pairsOf } from "../crash/support.js";
import { type ChildServer, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

/**
 * SIGTERM during a load of binds and unbinds: the server stops accepting, finishes every request it accepted, closes
 * the store and exits 0; nothing acknowledged is lost. "Accepted" is what the server itself logged as an incoming
 * request (each request carries a `seq` in its query string): every one of those must have been answered, and a
 * client error (connection refused or closed) is only allowed for a request the server never saw. The server logs at
 * `debug`, where a request's arrival has a line of its own (at `info` only its completion does).
 */
const CLIENTS = 6;
const MAX_PAIRS = 5;

type Nic = Awaited<ReturnType<typeof createServers>>[number];

interface Sent {
  seq: number;
  startedAt: number;
  endedAt: number;
  status?: number;
  error?: string;
}

interface LoadClient {
  nic: Nic;
  vips: string[];
  next: number;
  /** The VIPs on the NIC after the last acknowledged request. */
  acknowledged: Set<string>;
}

let seq = 0;

/**
 * Sends until its request fails; a client that `stopsAtSigterm` sends nothing new once SIGTERM is sent, leaving its
 * keep-alive connection idle after its last answer (the server must not wait for it to time out).
 */
async function runClient(
  api: ApiClient,
  subnetId: string,
  client: LoadClient,
  log: Sent[],
  stopsAtSigterm: boolean,
  sigterm: { sent: boolean },
): Promise<void> {
  for (;;) {
    if (stopsAtSigterm && sigterm.sent) return;
    const unbind = client.acknowledged.size >= MAX_PAIRS;
    const vip = client.vips[client.next % client.vips.length] as string;
    const body = unbind ? { subnet_id: "", ip_address: "" } : { subnet_id: subnetId, ip_address: vip };
    const sent: Sent = { seq: ++seq, startedAt: performance.now(), endedAt: 0 };
    log.push(sent);
    try {
      const response = await api.call("PUT", `${api.p(`/cloudservers/nics/${client.nic.nicId}`)}?seq=${sent.seq}`, {
        nic: body,
      });
      sent.status = response.status;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      sent.error = cause?.code ?? cause?.message ?? String(error);
    }
    sent.endedAt = performance.now();
    if (sent.status === undefined) return;
    if (sent.status !== 200) return;
    if (unbind) client.acknowledged = new Set();
    else {
      client.acknowledged.add(vip);
      client.next++;
    }
  }
}

/** The server's request log: seq → reqId for requests it received, reqId → status for those it answered. */
function serverLog(stdout: string) {
  const incoming = new Map<number, string>();
  const completed = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as {
      msg?: string;
      reqId?: string;
      req?: { url?: string };
      res?: { statusCode?: number };
    };
    if (entry.msg === "incoming request") {
      const match = /[?&]seq=(\d+)/.exec(entry.req?.url ?? "");
      if (match && entry.reqId) incoming.set(Number(match[1]), entry.reqId);
    } else if (entry.msg === "request completed" && entry.reqId && entry.res?.statusCode !== undefined) {
      completed.set(entry.reqId, entry.res.statusCode);
    }
  }
  return { incoming, completed };
}

describe("SIGTERM right when the server reports it is serving", () => {
  // Regression: the handlers used to be installed only after "serving on" was printed, so a supervisor reacting to
  // that line at once could kill the server by the signal's default action (exit by SIGTERM, nothing closed).
  it("always takes the graceful path and exits 0", async () => {
    const store = await crashStore("sqlite");
    try {
      const identity = testIdentity();
      const exits = [];
      for (let i = 0; i < 6; i++) {
        const server = await spawnServer({ db: store.db, identity, dataDir: store.dir });
        exits.push(await server.terminate());
      }
      expect(exits).toEqual(Array.from({ length: 6 }, () => ({ code: 0, signal: null })));
    } finally {
      await store.dispose();
    }
    // Six process starts: minutes on a loaded machine (no timing is asserted).
  }, 300_000);
});

for (const kind of CRASH_STORES) {
  const needs = crashStoreNeeds(kind);
  describe.skipIf(needs.skip)(needs.title(`SIGTERM during load on ${kind}`), () => {
    let store: CrashStore;
    const identity = testIdentity();
    afterAll(async () => store?.dispose());

    let server: ChildServer;
    let api: ApiClient;
    let subnetId: string;
    let nics: Nic[];
    beforeAll(async () => {
      store = await crashStore(kind);
      server = await spawnServer({ db: store.db, identity, dataDir: store.dir, logLevel: "debug" });
      api = await ApiClient.login(server.url, identity.projectId, identity.password);
      const net = await createNetwork(api);
      subnetId = net.subnetId;
      nics = await createServers(api, net.vpcId, net.subnetId, CLIENTS);
    });

    it("finishes every accepted request, exits 0 and loses nothing", async () => {
      const clients: LoadClient[] = nics.map((nic, index) => ({
        nic,
        vips: Array.from({ length: 8 }, (_, i) => `192.168.0.${100 + index * 10 + i}`),
        next: 0,
        acknowledged: new Set(),
      }));
      const log: Sent[] = [];
      const sigterm = { sent: false };
      const load = Promise.all(
        clients.map((client, index) => runClient(api, subnetId, client, log, index % 2 === 0, sigterm)),
      );
      await new Promise((resolve) => setTimeout(resolve, 600));

      const sigtermAt = performance.now();
      sigterm.sent = true;
      const exit = await server.terminate(30_000);
      const stoppedInMs = performance.now() - sigtermAt;
      await load;
      expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
      // Well inside any supervisor's grace period (Docker waits 10 s before SIGKILL).
      expect(stoppedInMs).toBeLessThan(5_000);

      const { incoming, completed } = serverLog(server.stdout());
      const answered = log.filter((sent) => sent.status !== undefined);
      const failed = log.filter((sent) => sent.error !== undefined);
      const inFlight = answered.filter((sent) => sent.startedAt < sigtermAt && sent.endedAt > sigtermAt);
      // Every request the server accepted was answered, on the wire and in its log, and never with a 5xx.
      for (const [requestSeq, reqId] of incoming) {
        const sent = log.find((candidate) => candidate.seq === requestSeq);
        expect(sent?.error, `request ${requestSeq} was accepted, then cut off`).toBeUndefined();
        expect(completed.get(reqId), `request ${requestSeq} has no completion`).toBe(sent?.status);
      }
      for (const sent of answered) {
        expect(sent.status).toBe(200);
        expect(incoming.has(sent.seq)).toBe(true);
      }
      // A client error is only allowed for a request the server never saw: the listener was already closed.
      for (const sent of failed) expect(incoming.has(sent.seq), `request ${sent.seq}: ${sent.error}`).toBe(false);
      expect(inFlight.length, "requests in flight when SIGTERM was sent").toBeGreaterThan(0);
      expect(failed.length).toBeLessThanOrEqual(CLIENTS);

      // Every acknowledged bind and unbind is there after a restart, and the store is sound.
      const again = await spawnServer({ db: store.db, identity, dataDir: store.dir });
      expect((await again.terminate()).code).toBe(0);
      const { violations, dump } = await inspectStore(store.db);
      expect(violations).toEqual([]);
      for (const client of clients) {
        expect(new Set(pairsOf(dump, client.nic.nicId).map((pair) => pair.ip))).toEqual(client.acknowledged);
      }
      console.log(
        `SIGTERM on ${kind}: ${log.length} requests, ${answered.length} answered 200 (${inFlight.length} of them in ` +
          `flight at SIGTERM), stopped in ${stoppedInMs.toFixed(0)} ms, ${failed.length} refused after the listener closed (${[...new Set(failed.map((f) => f.error))].join(", ")}); ` +
          `exit ${exit.code}; all acknowledged writes present after restart`,
      );
    });
  });
}
