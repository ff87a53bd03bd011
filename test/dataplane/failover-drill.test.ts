/**
 * The fail-over drill, end to end through the HTTP API: two servers run keepalived for one virtual IP, a third one
 * pings it. Port security drops the VIP until it is bound, the bind makes it reachable, keepalived moves it when the
 * master's keepalived stops or the master server stops, and unbinding it stops the traffic again.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetwork, createServers, waitForJob } from "../support/world.js";
import {
  addressesIn,
  answersFrom,
  cli,
  type DataplaneServer,
  hostSnapshot,
  linksIn,
  namespaces,
  pingFrom,
  SKIP_REASON,
  SKIP_TITLE,
  startDataplaneServer,
  until,
} from "./support.js";

const VIP = "192.168.7.100";

function keepalivedConfig(self: string, peer: string, priority: number): string {
  return `global_defs {
  vrrp_version 3
  script_user root
}
vrrp_instance drill {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 0.2
  unicast_src_ip ${self}
  unicast_peer {
    ${peer}
  }
  virtual_ipaddress {
    ${VIP}/24 dev eth0
  }
}
`;
}

describe.skipIf(SKIP_REASON !== undefined)(`fail-over drill${SKIP_TITLE}`, () => {
  let dp: DataplaneServer;
  let host: ReturnType<typeof hostSnapshot>;
  const running: { pidFile: string }[] = [];

  beforeAll(async () => {
    host = hostSnapshot();
    dp = await startDataplaneServer();
  }, 120_000);

  afterAll(async () => {
    for (const { pidFile } of running) await stopKeepalived(pidFile);
    if (dp) {
      const down = await cli(["dataplane", "down", "--db", dp.db]);
      expect(down.code).toBe(0);
      expect(namespaces(dp.prefix)).toEqual([]);
      await dp.server.terminate();
      rmSync(dp.dir, { recursive: true, force: true });
      expect(hostSnapshot()).toEqual(host);
    }
  }, 120_000);

  function startKeepalived(serverId: string, name: string, self: string, peer: string, priority: number) {
    const config = join(dp.dir, `${name}.conf`);
    const pidFile = join(dp.dir, `${name}.pid`);
    writeFileSync(config, keepalivedConfig(self, peer, priority));
    // The way a user runs it: `ecs-vip dataplane exec SERVER -- keepalived …` (keepalived forks into the background).
    const argv = ["keepalived", "--vrrp", "-f", config, "-p", pidFile, "-r", join(dp.dir, `${name}-vrrp.pid`)];
    running.push({ pidFile });
    return cli(["dataplane", "exec", "--db", dp.db, serverId, "--", ...argv]);
  }

  /** SIGTERM, then waits until the process is gone: a keepalived started while the old one still exits finds its
   * pid file taken and quietly does nothing. */
  async function stopKeepalived(pidFile: string) {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, "utf8").trim());
      process.kill(pid, "SIGTERM");
    } catch {
      return; // not running
    }
    await until(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      20,
    );
  }

  /** Polls pings until one succeeds; resolves to the milliseconds it took. */
  async function reachable(from: string, timeoutMs: number): Promise<number> {
    const start = Date.now();
    await until(() => pingFrom(from, VIP, 0.2), timeoutMs, 0);
    return Date.now() - start;
  }

  it("blocks an unbound VIP, carries it once bound, fails over, and blocks it again after unbind", async () => {
    const { api } = dp;
    const net = await createNetwork(api, "192.168.7.0/24");
    const [a, b, c] = await createServers(api, net.vpcId, net.subnetId, 3);
    if (!a || !b || !c) throw new Error("three servers expected");
    const nsOf = async (serverId: string) => (await cli(["dataplane", "ns", "--db", dp.db, serverId])).stdout.trim();
    const [nsA, nsB, nsC] = [await nsOf(a.serverId), await nsOf(b.serverId), await nsOf(c.serverId)];
    // Namespaces follow the background commit that makes the servers ACTIVE.
    await until(
      () => [nsA, nsB, nsC].every((ns) => namespaces(dp.prefix).includes(ns) && linksIn(ns)[0]?.up === true),
      10_000,
    );
    // Servers are on the wire with their fixed IPs; the gateway answers.
    expect(answersFrom(nsC, a.ip)).toBe(true);
    expect(answersFrom(nsC, net.subnet.gateway_ip)).toBe(true);

    expect((await startKeepalived(a.serverId, "a", a.ip, b.ip, 150)).code).toBe(0);
    expect((await startKeepalived(b.serverId, "b", b.ip, a.ip, 100)).code).toBe(0);
    await until(() => addressesIn(nsA).includes(VIP), 10_000);

    // 1. Before any bind: A holds the VIP but port security drops everything it sends as the VIP.
    expect(pingFrom(nsC, VIP, 1)).toBe(false);

    // 2. Bind to both NICs: reachable on the master.
    const bind = (nicId: string, ip: string) =>
      api.call("PUT", api.p(`/cloudservers/nics/${nicId}`), { nic: { subnet_id: net.subnetId, ip_address: ip } });
    expect((await bind(b.nicId, VIP)).status).toBe(200);
    expect((await bind(a.nicId, VIP)).status).toBe(200);
    const bindToTraffic = await reachable(nsC, 5_000);

    // 3a. keepalived stops on the master: B takes the VIP over.
    const keepalivedStopStart = Date.now();
    const stopped = stopKeepalived(join(dp.dir, "a.pid"));
    await until(() => addressesIn(nsB).includes(VIP), 10_000, 20);
    await reachable(nsC, 10_000);
    const failoverKeepalived = Date.now() - keepalivedStopStart;
    await stopped;
    expect(addressesIn(nsA)).not.toContain(VIP);

    // 3b. keepalived back on A (it preempts), then the master server is stopped through the API.
    expect((await startKeepalived(a.serverId, "a", a.ip, b.ip, 150)).code).toBe(0);
    await until(() => addressesIn(nsA).includes(VIP) && !addressesIn(nsB).includes(VIP), 10_000, 20);
    await reachable(nsC, 10_000);
    const stopStart = Date.now();
    const stop = await api.call("POST", api.p("/cloudservers/action"), {
      "os-stop": { servers: [{ id: a.serverId }] },
    });
    expect(stop.status).toBe(200);
    await waitForJob(api, stop.body.job_id);
    await until(() => addressesIn(nsB).includes(VIP), 10_000, 20);
    await reachable(nsC, 10_000);
    const failoverServerStop = Date.now() - stopStart;
    expect(pingFrom(nsC, a.ip)).toBe(false); // A's links are down

    // 4. Unbind from the NIC that now holds it: traffic to the VIP stops.
    const unbind = await api.call("PUT", api.p(`/cloudservers/nics/${b.nicId}`), {
      nic: { subnet_id: "", ip_address: "" },
    });
    expect(unbind.status).toBe(200);
    expect(addressesIn(nsB)).toContain(VIP);
    expect(pingFrom(nsC, VIP, 1)).toBe(false);

    console.log(
      `fail-over drill: bind response -> traffic ${bindToTraffic} ms; fail-over on keepalived stop ${failoverKeepalived} ms; ` +
        `on server stop ${failoverServerStop} ms (advert_int 0.2 s, VRRPv3)`,
    );
  }, 120_000);
});
