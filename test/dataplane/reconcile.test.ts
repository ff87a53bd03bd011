/**
 * Reconciliation: the store is the truth. A server killed between a commit and its apply finds the wire behind on
 * restart and repairs it before it listens; links and rules deleted by hand come back with `dataplane sync`;
 * `dataplane down` leaves no namespace, link or table behind; the host's namespace never changes.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetwork, createServers } from "../support/world.js";
import {
  answersFrom,
  cli,
  hostSnapshot,
  linksIn,
  namespaces,
  pingFrom,
  rulesetOf,
  SKIP_REASON,
  SKIP_TITLE,
  startDataplaneServer,
  uniquePrefix,
  until,
} from "./support.js";

const VIP = "192.168.8.100";

describe.skipIf(SKIP_REASON !== undefined)(`data plane reconciliation${SKIP_TITLE}`, () => {
  let host: ReturnType<typeof hostSnapshot>;
  const dirs: string[] = [];
  const prefixes: string[] = [];

  beforeAll(() => {
    host = hostSnapshot();
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      // Whatever a failed test left behind; nothing when the tests passed.
      for (const namespace of namespaces(prefix)) execFileSync("ip", ["netns", "del", namespace]);
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    expect(hostSnapshot()).toEqual(host);
  });

  it("a kill -9 between commit and apply: the restarted server brings the wire up to the store", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    let dp = await startDataplaneServer({ prefix });
    dirs.push(dp.dir);
    const net = await createNetwork(dp.api, "192.168.8.0/24");
    const [a, c] = await createServers(dp.api, net.vpcId, net.subnetId, 2);
    if (!a || !c) throw new Error("two servers expected");
    await dp.server.terminate();

    // The next change kills the process right after its commit, before the wire follows.
    dp = await startDataplaneServer({
      prefix,
      dir: dp.dir,
      identity: dp.identity,
      env: { ECS_VIP_FAULT_CRASH_BEFORE_APPLY: "1" },
    });
    const bind = dp.api
      .call("PUT", dp.api.p(`/cloudservers/nics/${a.nicId}`), { nic: { subnet_id: net.subnetId, ip_address: VIP } })
      .catch((error: unknown) => error);
    expect((await dp.server.exited).signal).toBe("SIGKILL");
    await bind;
    expect(rulesetOf(prefix)).not.toContain(VIP);

    dp = await startDataplaneServer({ prefix, dir: dp.dir, identity: dp.identity });
    try {
      const pairs = (await dp.api.call("GET", `/v2.0/ports/${a.nicId}`)).body.port.allowed_address_pairs;
      expect(pairs).toEqual([{ ip_address: VIP, mac_address: a.mac }]);
      expect(rulesetOf(prefix)).toContain(`ip saddr ${VIP} accept`);
      const sync = await cli(["dataplane", "sync", "--db", dp.db]);
      expect(sync.stdout).toBe("in sync: nothing changed\n");
    } finally {
      await dp.server.terminate();
      expect((await cli(["dataplane", "down", "--db", dp.db])).code).toBe(0);
    }
    expect(namespaces(prefix)).toEqual([]);
  }, 180_000);

  it("links and rules deleted by hand come back with dataplane sync; down removes everything, twice", async () => {
    const dp = await startDataplaneServer();
    prefixes.push(dp.prefix);
    dirs.push(dp.dir);
    try {
      const net = await createNetwork(dp.api, "192.168.9.0/24");
      const [a, c] = await createServers(dp.api, net.vpcId, net.subnetId, 2);
      if (!a || !c) throw new Error("two servers expected");
      const nsOf = async (id: string) => (await cli(["dataplane", "ns", "--db", dp.db, id])).stdout.trim();
      const [nsA, nsC] = [await nsOf(a.serverId), await nsOf(c.serverId)];
      await until(() => pingFrom(nsC, a.ip), 10_000);

      const link = linksIn(nsA)[0]?.alias as string;
      execFileSync("ip", ["-n", `${dp.prefix}-dp`, "link", "del", link]);
      execFileSync("ip", ["netns", "exec", `${dp.prefix}-dp`, "nft", "delete", "table", "bridge", "ecs_vip_portsec"]);
      expect(linksIn(nsA)).toEqual([]);
      expect(pingFrom(nsC, a.ip)).toBe(false);

      const sync = await cli(["dataplane", "sync", "--db", dp.db]);
      expect(sync.code).toBe(0);
      expect(sync.stdout).toContain(`create eth0 of server ${a.serverId}`);
      expect(sync.stdout).toContain("apply port-security and security-group rules");
      expect(linksIn(nsA)).toEqual([{ ifname: "eth0", up: true, alias: link }]);
      expect(rulesetOf(dp.prefix)).toContain(`jump nic_${link}`);
      expect(answersFrom(nsC, a.ip)).toBe(true);
      expect((await cli(["dataplane", "sync", "--db", dp.db])).stdout).toBe("in sync: nothing changed\n");

      const down = await cli(["dataplane", "down", "--db", dp.db]);
      expect(down.stdout).toContain(`removed ${dp.prefix}-dp`);
      expect(namespaces(dp.prefix)).toEqual([]);
      expect((await cli(["dataplane", "down", "--db", dp.db])).stdout).toBe("nothing to remove\n");
    } finally {
      await dp.server.terminate();
    }
  }, 180_000);
});
