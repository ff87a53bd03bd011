/**
 * Bindings live in the store, not in the process: stop the server, start a new one on the same database, and every
 * port, pair and identity must be exactly as it was, with nothing bootstrapped twice.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.js";
import { SERVER_STORE_KINDS } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

type Nic = Awaited<ReturnType<typeof createServers>>[number];
type Pair = { ip_address: string; mac_address: string };

const VIP1 = "192.168.0.100";
const VIP2 = "192.168.0.101";
const PRIVATE_IP = "192.168.0.50";

const sorted = (pairs: Pair[]) =>
  [...pairs].sort((x, y) => x.ip_address.localeCompare(y.ip_address) || x.mac_address.localeCompare(y.mac_address));
const pair = (ip: string, mac: string): Pair => ({ ip_address: ip, mac_address: mac });

async function pairsOf(api: ApiClient, portId: string): Promise<Pair[]> {
  const response = await api.call("GET", `/v2.0/ports/${portId}`);
  expect(response.status).toBe(200);
  return sorted(response.body.port.allowed_address_pairs);
}

async function portWithIp(api: ApiClient, ip: string): Promise<any> {
  const ports = (await api.call("GET", `/v2.0/ports?fixed_ips=ip_address=${ip}`)).body.ports;
  expect(ports).toHaveLength(1);
  return ports[0];
}

/** The exact bindings the scenario sets up, read through the public API. */
async function expectBindings(api: ApiClient, [a, b, c]: [Nic, Nic, Nic]) {
  expect(await pairsOf(api, a.nicId)).toEqual([pair(VIP1, a.mac)]);
  expect(await pairsOf(api, b.nicId)).toEqual(sorted([pair(VIP1, b.mac), pair(VIP2, b.mac)]));
  expect(await pairsOf(api, c.nicId)).toEqual(sorted([pair(PRIVATE_IP, c.mac), pair(VIP2, c.mac)]));
  const vip1 = await portWithIp(api, VIP1);
  expect(vip1.device_owner).toBe("neutron:VIP_PORT");
  expect(sorted(vip1.allowed_address_pairs)).toEqual(sorted([pair(a.ip, a.mac), pair(b.ip, b.mac)]));
  const vip2 = await portWithIp(api, VIP2);
  expect(vip2.device_owner).toBe("neutron:VIP_PORT");
  expect(vip2.allowed_address_pairs).toEqual([pair(c.ip, c.mac)]);
  const reused = await portWithIp(api, PRIVATE_IP);
  expect(reused.device_owner).toBe("");
  expect(reused.allowed_address_pairs).toEqual([pair(c.ip, c.mac)]);
}

describe.each(SERVER_STORE_KINDS)("restarting over the $label store", (kind) => {
  // A store this machine lacks: every test is reported as skipped, the reason in the suite's title.
  beforeEach((context) => {
    if (kind.needs.skip) context.skip(kind.needs.reason);
  });

  it("keeps every binding, port and identity exactly, and bootstraps nothing twice", async () => {
    const opened = await kind.open();
    const first = await startTestServer(opened.db ? { db: opened.db } : {});
    let second: TestServer | undefined;
    try {
      const api = await ApiClient.login(first.url, first.projectId, first.password);
      const net = await createNetwork(api);
      const nics = (await createServers(api, net.vpcId, net.subnetId, 3)) as [Nic, Nic, Nic];
      const [a, b, c] = nics;
      const assigned = await api.call("POST", api.p("/privateips"), {
        privateips: [{ subnet_id: net.subnetId, ip_address: PRIVATE_IP }],
      });
      expect(assigned.status).toBe(200);
      const binds: [Nic, string, boolean][] = [
        [a, VIP1, true],
        [b, VIP1, true],
        [b, VIP2, false],
        [c, VIP2, true],
        [c, PRIVATE_IP, true],
      ];
      for (const [nic, ip, reverse] of binds) {
        const bound = await api.call("PUT", api.p(`/cloudservers/nics/${nic.nicId}`), {
          nic: { subnet_id: net.subnetId, ip_address: ip, reverse_binding: reverse },
        });
        expect(bound.status).toBe(200);
      }
      await expectBindings(api, nics);
      const portsBefore = (await api.call("GET", "/v2.0/ports")).body.ports;
      const dumpBefore = await first.store.read((tx) => tx.admin.dump());
      const credentialsFile = join(first.dir, "credentials.json");
      const credentialsBefore = readFileSync(credentialsFile, "utf8");

      await first.stop();
      await expect(fetch(`${first.url}/v3`)).rejects.toThrow();
      second = await startTestServer({
        dir: first.dir,
        db: first.db,
        projectId: first.projectId,
        accessKey: first.accessKey,
        secretKey: first.secretKey,
        password: first.password,
      });

      const dumpAfter = await second.store.read((tx) => tx.admin.dump());
      expect(dumpAfter).toEqual(dumpBefore);
      for (const table of ["accounts", "users", "projects", "access_keys"]) expect(dumpAfter[table]).toHaveLength(1);
      expect(dumpAfter.projects![0]).toMatchObject({ id: first.projectId });
      expect(readFileSync(credentialsFile, "utf8")).toBe(credentialsBefore);

      // A token issued before the restart is still good; so are the password and the stored ports.
      const carried = new ApiClient(second.url, first.projectId, (api as any).token);
      expect((await carried.call("GET", "/v2.0/ports")).body.ports).toEqual(portsBefore);
      const again = await ApiClient.login(second.url, first.projectId, first.password);
      await expectBindings(again, nics);

      // The reloaded state is live: unbinding and allocating act on it.
      const unbound = await again.call("PUT", again.p(`/cloudservers/nics/${b.nicId}`), {
        nic: { subnet_id: "", ip_address: "" },
      });
      expect(unbound.status).toBe(200);
      expect(await pairsOf(again, b.nicId)).toEqual([]);
      expect((await portWithIp(again, VIP1)).allowed_address_pairs).toEqual([pair(a.ip, a.mac)]);
      expect((await portWithIp(again, VIP2)).allowed_address_pairs).toEqual([pair(c.ip, c.mac)]);
      const next = await again.call("POST", again.p("/privateips"), { privateips: [{ subnet_id: net.subnetId }] });
      expect(next.status).toBe(200);
      expect(next.body.privateips[0].ip_address).toBe("192.168.0.5");
    } finally {
      await first.stop();
      await second?.stop();
      rmSync(first.dir, { recursive: true, force: true });
      await opened.drop();
    }
  });

  it("ignores a different bootstrap identity on a later start: the first account, user and project stay the only ones", async () => {
    const opened = await kind.open();
    const first = await startTestServer(opened.db ? { db: opened.db } : {});
    let second: TestServer | undefined;
    try {
      const identityBefore = await first.store.read(async (tx) => {
        const { accounts, users, projects, access_keys } = await tx.admin.dump();
        return { accounts, users, projects, access_keys };
      });
      await first.stop();
      // No identity passed: the helper generates a new project id, password and key pair, as an unset environment would.
      second = await startTestServer({ dir: first.dir, db: first.db });
      expect(second.projectId).not.toBe(first.projectId);
      const after = await second.store.read((tx) => tx.admin.dump());
      expect(after.accounts).toEqual(identityBefore.accounts);
      expect(after.users).toEqual(identityBefore.users);
      expect(after.projects).toEqual(identityBefore.projects);
      expect(after.access_keys).toEqual(expect.arrayContaining(identityBefore.access_keys!));
      await expect(ApiClient.login(second.url, second.projectId, second.password)).rejects.toThrow(/login failed: 401/);
      await ApiClient.login(second.url, first.projectId, first.password);
    } finally {
      await first.stop();
      await second?.stop();
      rmSync(first.dir, { recursive: true, force: true });
      await opened.drop();
    }
  });
});
