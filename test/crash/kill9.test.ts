import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreDump } from "../../src/domain/invariants/dump-view.js";
import { runCli, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { expectDidWork } from "../support/did-work.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";
import {
  CRASH_STORES,
  type CrashStore,
  crashStore,
  crashStoreNeeds,
  inspectStore,
  pairsOf,
  type Row,
  table,
} from "./support.js";

/**
 * kill -9 under load. Several clients each own one server (its NICs), a few VIP addresses and a few private IPs, and
 * run binds, unbinds, private-IP assignments and releases, and NIC adds and deletes against a child server process,
 * which is killed with SIGKILL at a random moment; then restarted, again and again. Each client's requests are
 * sequential, so at a kill it has at most one request in flight: after the restart its part of the store must be
 * exactly what its acknowledged requests made it, or that plus the one in-flight request (either outcome is fine for
 * a request that got no answer). `ecs-vip check` must be clean after every kill and the server must serve again.
 */
const KILLS = Number(process.env.ECS_VIP_CRASH_KILLS ?? 20);
const CLIENTS = 4;
const SEED = Number(process.env.ECS_VIP_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** What one client's requests decide, by address: comparable between the client's record and the store. */
interface Owned {
  /** NIC address → the VIP addresses in its pairs. */
  nics: Map<string, Set<string>>;
  /** VIP address → addresses of the NICs in its reverse pairs; a key exists iff the VIP port exists. */
  vips: Map<string, Set<string>>;
  privateIps: Set<string>;
}

type Op =
  | { kind: "bind"; nicIp: string; vip: string; reverse: boolean }
  | { kind: "unbind"; nicIp: string }
  | { kind: "addNic"; ip: string }
  | { kind: "deleteNic"; ip: string }
  | { kind: "assign"; ip: string }
  | { kind: "release"; ip: string };

function clone(owned: Owned): Owned {
  return {
    nics: new Map([...owned.nics].map(([ip, vips]) => [ip, new Set(vips)])),
    vips: new Map([...owned.vips].map(([ip, nics]) => [ip, new Set(nics)])),
    privateIps: new Set(owned.privateIps),
  };
}

/** The reference model: what an acknowledged request does to the client's part of the store. */
function apply(before: Owned, op: Op): Owned {
  const owned = clone(before);
  switch (op.kind) {
    case "bind": {
      owned.nics.get(op.nicIp)?.add(op.vip);
      const reverse = owned.vips.get(op.vip) ?? new Set<string>();
      if (op.reverse) reverse.add(op.nicIp);
      owned.vips.set(op.vip, reverse);
      break;
    }
    case "unbind":
      owned.nics.set(op.nicIp, new Set());
      for (const nics of owned.vips.values()) nics.delete(op.nicIp);
      break;
    case "addNic":
      owned.nics.set(op.ip, new Set());
      break;
    case "deleteNic":
      owned.nics.delete(op.ip);
      for (const nics of owned.vips.values()) nics.delete(op.ip);
      break;
    case "assign":
      owned.privateIps.add(op.ip);
      break;
    case "release":
      owned.privateIps.delete(op.ip);
      break;
  }
  return owned;
}

function canonical(owned: Owned): string {
  const sorted = (map: Map<string, Set<string>>) =>
    [...map].map(([key, values]) => [key, [...values].sort()] as const).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({
    nics: sorted(owned.nics),
    vips: sorted(owned.vips),
    privateIps: [...owned.privateIps].sort(),
  });
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Client {
  serverId: string;
  primaryIp: string;
  nicPool: string[];
  vipPool: string[];
  privatePool: string[];
  owned: Owned;
  /** The request sent and not answered yet, if any. */
  pending?: Op;
  nicIds: Map<string, string>;
  privateIpIds: Map<string, string>;
}

interface Totals {
  requests: number;
  acknowledged: number;
  inFlightAtKill: number;
  inFlightApplied: number;
  inFlightNotApplied: number;
  byKind: Record<string, number>;
}

/** The client's part of a dump, read the same way the model keeps it; reverse pairs must carry the NIC's MAC. */
function ownedIn(
  dump: StoreDump,
  networkId: string,
  client: Client,
): { owned: Owned; nicIds: Map<string, string>; privateIpIds: Map<string, string> } {
  const ports = new Map(table(dump, "ports").map((row) => [String(row.id), row]));
  const holder = new Map<string, Row>();
  for (const ip of table(dump, "fixed_ips")) {
    const port = ports.get(String(ip.port_id));
    if (ip.network_id === networkId && port) holder.set(String(ip.ip_address), port);
  }
  const ipOf = new Map(table(dump, "fixed_ips").map((row) => [String(row.port_id), String(row.ip_address)]));
  const owned: Owned = { nics: new Map(), vips: new Map(), privateIps: new Set() };
  const nicIds = new Map<string, string>();
  const macOf = new Map<string, string>();
  for (const port of ports.values()) {
    if (port.device_id !== client.serverId) continue;
    const ip = ipOf.get(String(port.id)) ?? "?";
    nicIds.set(ip, String(port.id));
    macOf.set(ip, String(port.mac_address));
    owned.nics.set(ip, new Set(pairsOf(dump, String(port.id)).map((pair) => pair.ip)));
  }
  for (const vip of client.vipPool) {
    const port = holder.get(vip);
    if (!port) continue;
    const reverse = pairsOf(dump, String(port.id)).map((pair) =>
      macOf.get(pair.ip) === pair.mac ? pair.ip : `stale ${pair.ip}/${pair.mac}`,
    );
    owned.vips.set(vip, new Set(reverse));
  }
  const privateIpIds = new Map<string, string>();
  for (const ip of client.privatePool) {
    const port = holder.get(ip);
    if (!port) continue;
    owned.privateIps.add(port.device_owner === "" ? ip : `${ip} owned by ${String(port.device_owner)}`);
    privateIpIds.set(ip, String(port.id));
  }
  return { owned, nicIds, privateIpIds };
}

function pickOp(client: Client, random: () => number): Op {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const nicIps = [...client.owned.nics.keys()];
  for (;;) {
    const roll = random();
    if (roll < 0.35) return { kind: "bind", nicIp: pick(nicIps), vip: pick(client.vipPool), reverse: random() < 0.5 };
    if (roll < 0.47) return { kind: "unbind", nicIp: pick(nicIps) };
    if (roll < 0.6) {
      const free = client.nicPool.filter((ip) => !client.owned.nics.has(ip));
      if (free.length > 0) return { kind: "addNic", ip: pick(free) };
    } else if (roll < 0.72) {
      const secondary = nicIps.filter((ip) => ip !== client.primaryIp && client.nicIds.has(ip));
      if (secondary.length > 0) return { kind: "deleteNic", ip: pick(secondary) };
    } else if (roll < 0.86) {
      const free = client.privatePool.filter((ip) => !client.owned.privateIps.has(ip));
      if (free.length > 0) return { kind: "assign", ip: pick(free) };
    } else {
      const held = client.privatePool.filter((ip) => client.privateIpIds.has(ip));
      if (held.length > 0) return { kind: "release", ip: pick(held) };
    }
  }
}

async function send(api: ApiClient, subnetId: string, client: Client, op: Op) {
  switch (op.kind) {
    case "bind":
      return api.call("PUT", api.p(`/cloudservers/nics/${client.nicIds.get(op.nicIp)}`), {
        nic: { subnet_id: subnetId, ip_address: op.vip, reverse_binding: op.reverse },
      });
    case "unbind":
      return api.call("PUT", api.p(`/cloudservers/nics/${client.nicIds.get(op.nicIp)}`), {
        nic: { subnet_id: "", ip_address: "" },
      });
    case "addNic":
      return api.call("POST", api.p(`/cloudservers/${client.serverId}/nics`), {
        nics: [{ subnet_id: subnetId, ip_address: op.ip }],
      });
    case "deleteNic":
      return api.call("POST", api.p(`/cloudservers/${client.serverId}/nics/delete`), {
        nics: [{ id: client.nicIds.get(op.ip) }],
      });
    case "assign":
      return api.call("POST", api.p("/privateips"), { privateips: [{ subnet_id: subnetId, ip_address: op.ip }] });
    case "release":
      return api.call("DELETE", api.p(`/privateips/${client.privateIpIds.get(op.ip)}`));
  }
}

/** One client's sequential stream of requests until the server dies under it. */
async function runClient(
  api: ApiClient,
  subnetId: string,
  client: Client,
  random: () => number,
  killed: { value: boolean },
  totals: Totals,
): Promise<void> {
  while (!killed.value) {
    const op = pickOp(client, random);
    client.pending = op;
    totals.requests++;
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(api, subnetId, client, op);
    } catch (error) {
      if (killed.value) return;
      throw error;
    }
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${JSON.stringify(op)} answered ${response.status} ${JSON.stringify(response.body)}`);
    }
    client.owned = apply(client.owned, op);
    client.pending = undefined;
    totals.acknowledged++;
    totals.byKind[op.kind] = (totals.byKind[op.kind] ?? 0) + 1;
    if (op.kind === "assign") client.privateIpIds.set(op.ip, response.body.privateips[0].id);
    if (op.kind === "release") client.privateIpIds.delete(op.ip);
    if (op.kind === "deleteNic") client.nicIds.delete(op.ip);
    if (op.kind === "addNic") {
      // The add answers with a job only; the new NIC's id is looked up (a read, which the kill may interrupt).
      const found = await api.call("GET", `/v2.0/ports?device_id=${client.serverId}`).catch(() => undefined);
      const nic = found?.body?.ports?.find((port: any) => port.fixed_ips[0]?.ip_address === op.ip);
      if (nic) client.nicIds.set(op.ip, nic.id);
    }
  }
}

for (const kind of CRASH_STORES) {
  const needs = crashStoreNeeds(kind);
  describe.skipIf(needs.skip)(needs.title(`kill -9 under load on ${kind}`), () => {
    let store: CrashStore;
    const identity = testIdentity();
    let subnetId = "";
    const clients: Client[] = [];

    beforeAll(async () => {
      store = await crashStore(kind);
      const server = await spawnServer({ db: store.db, identity, dataDir: store.dir });
      try {
        const api = await ApiClient.login(server.url, identity.projectId, identity.password);
        const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
        subnetId = net.subnetId;
        const nics = await createServers(api, net.vpcId, net.subnetId, CLIENTS);
        nics.forEach((nic, index) => {
          const base = `10.0.${index + 1}`;
          clients.push({
            serverId: nic.serverId,
            primaryIp: nic.ip,
            nicPool: [`${base}.10`, `${base}.11`],
            vipPool: [`${base}.100`, `${base}.101`, `${base}.102`],
            privatePool: [`${base}.200`, `${base}.201`],
            owned: { nics: new Map([[nic.ip, new Set()]]), vips: new Map(), privateIps: new Set() },
            nicIds: new Map([[nic.ip, nic.nicId]]),
            privateIpIds: new Map(),
          });
        });
      } finally {
        expect((await server.terminate()).code).toBe(0);
      }
    });
    afterAll(async () => store?.dispose());

    it(`keeps every acknowledged write and every invariant through ${KILLS} kills`, async () => {
      const random = mulberry32(SEED);
      const totals: Totals = {
        requests: 0,
        acknowledged: 0,
        inFlightAtKill: 0,
        inFlightApplied: 0,
        inFlightNotApplied: 0,
        byKind: {},
      };
      const started = Date.now();
      /** Kills that landed while at least one write was in flight (a kill between requests proves little). */
      let killsDuringWrites = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        const server = await spawnServer({ db: store.db, identity, dataDir: store.dir });
        const api = await ApiClient.login(server.url, identity.projectId, identity.password);
        const killed = { value: false };
        const running = clients.map((client) => runClient(api, subnetId, client, random, killed, totals));
        await new Promise((resolve) => setTimeout(resolve, 30 + random() * 470));
        killed.value = true;
        const exit = await server.kill9();
        expect(exit.signal, `kill ${kill}: ${server.stderr()}`).toBe("SIGKILL");
        const outcomes = await Promise.allSettled(running);
        for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;

        if (clients.some((client) => client.pending)) killsDuringWrites++;
        const { violations, dump } = await inspectStore(store.db);
        expect(violations, `ecs-vip check after kill ${kill}`).toEqual([]);
        for (const [index, client] of clients.entries()) {
          const actual = ownedIn(dump, subnetId, client);
          const acknowledged = canonical(client.owned);
          const withPending = client.pending ? canonical(apply(client.owned, client.pending)) : acknowledged;
          const found = canonical(actual.owned);
          expect(
            [acknowledged, withPending],
            `client ${index} after kill ${kill}, in flight ${JSON.stringify(client.pending)}`,
          ).toContain(found);
          if (client.pending) {
            totals.inFlightAtKill++;
            if (withPending !== acknowledged) {
              if (found === withPending) totals.inFlightApplied++;
              else totals.inFlightNotApplied++;
            }
          }
          client.owned = actual.owned;
          client.pending = undefined;
          client.nicIds = actual.nicIds;
          client.privateIpIds = actual.privateIpIds;
        }
      }

      // Serves again after the last kill, stops cleanly, and the CLI itself finds the store sound.
      const server = await spawnServer({ db: store.db, identity, dataDir: store.dir });
      const api = await ApiClient.login(server.url, identity.projectId, identity.password);
      for (const client of clients) {
        const nics = await api.call("GET", api.p(`/cloudservers/${client.serverId}/os-interface`));
        expect(nics.status).toBe(200);
        expect(nics.body.interfaceAttachments.map((nic: any) => nic.fixed_ips[0].ip_address).sort()).toEqual(
          [...client.owned.nics.keys()].sort(),
        );
      }
      expect((await server.terminate()).code).toBe(0);
      const cli = await runCli(["check", "--db", store.db]);
      expect(cli, cli.stderr).toMatchObject({ code: 0, stdout: "" });

      console.log(
        `kill -9 on ${kind} (seed ${SEED}): ${KILLS} kills survived in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${totals.requests} requests, ${totals.acknowledged} acknowledged writes all found after restarts ` +
          `(${JSON.stringify(totals.byKind)}); ${totals.inFlightAtKill} in flight at a kill ` +
          `(${totals.inFlightApplied} applied, ${totals.inFlightNotApplied} not, the rest no-ops); ` +
          `ecs-vip check clean after every kill`,
      );
      expect(totals.acknowledged).toBeGreaterThan(KILLS);
      expectDidWork(`kill -9 on ${kind}: kills that landed during a write`, killsDuringWrites, KILLS, 0.8);
      // A server start per kill: minutes on a loaded machine (no timing is asserted).
    }, 900_000);
  });
}
