/**
 * The VPC router and EIPs on the wire, end to end through the HTTP API: subnets of one VPC reach each other through
 * their gateways, other VPCs never; groups still apply across the router. An EIP is 1:1 NAT between the internet
 * namespace and its port's fixed IP; servers without one do not reach the internet. An EIP on a VIP port answers from
 * whichever server holds the VIP, so killing the master's keepalived moves the public address too.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Topology } from "../support/topology.js";
import { createNetwork } from "../support/world.js";
import {
  addressesIn,
  answersFrom,
  cli,
  type DataplaneServer,
  hostSnapshot,
  namespaces,
  pingFrom,
  startDataplaneServer,
  until,
} from "./support.js";
import {
  answerOf,
  bindEip,
  connects,
  eip,
  Groups,
  keepalivedConfig,
  listen,
  listening,
  pidOf,
  serversIn,
  startKeepalived,
  VPC_DRILL_NEEDS,
} from "./vpc-support.js";

describe.skipIf(VPC_DRILL_NEEDS.skip)(VPC_DRILL_NEEDS.title("the VPC router and EIPs on the wire"), () => {
  let dp: DataplaneServer;
  let host: ReturnType<typeof hostSnapshot>;
  let internet: string;

  beforeAll(async () => {
    host = hostSnapshot();
    dp = await startDataplaneServer();
    internet = `${dp.prefix}-inet`;
  }, 120_000);

  afterAll(async () => {
    if (dp) {
      const down = await cli(["dataplane", "down", "--db", dp.db]);
      expect(down.code).toBe(0);
      expect(namespaces(dp.prefix)).toEqual([]);
      await dp.server.terminate();
      rmSync(dp.dir, { recursive: true, force: true });
      expect(hostSnapshot()).toEqual(host);
    }
  }, 120_000);

  it("routes between a VPC's subnets, never between VPCs; groups still apply; EIPs are 1:1 NAT", async () => {
    const topology = new Topology(dp.api, dp.api.projectId);
    const groups = new Groups(dp.api);
    const net = await createNetwork(dp.api, "10.30.1.0/24", "10.30.0.0/16");
    const second = await topology.subnet({ vpcId: net.vpcId, cidr: "10.30.2.0/24" });
    const other = await createNetwork(dp.api, "10.40.1.0/24", "10.40.0.0/16");
    const closed = await groups.closed("closed");
    const [x] = await serversIn(dp, net.vpcId, net.subnetId, 1);
    const [y] = await serversIn(dp, net.vpcId, second.id, 1);
    const [w] = await serversIn(dp, net.vpcId, second.id, 1, [closed]);
    const [z] = await serversIn(dp, other.vpcId, other.subnetId, 1);
    if (!x || !y || !w || !z) throw new Error("four servers expected");

    // The router: X (first subnet) and Y (second) are both in the default group and reach each other.
    expect(answersFrom(x.ns, y.ip)).toBe(true);
    expect(answersFrom(y.ns, x.ip)).toBe(true);
    // Groups apply across the router: W lets nothing in.
    expect(pingFrom(x.ns, w.ip)).toBe(false);
    // Another VPC is never reached, whatever its groups say.
    expect(pingFrom(x.ns, z.ip)).toBe(false);
    expect(pingFrom(z.ns, x.ip)).toBe(false);

    // No EIP: the internet cannot reach X and X cannot reach the internet.
    const inet = await cli([
      "dataplane",
      "exec",
      "--db",
      dp.db,
      "--internet",
      "--",
      "ping",
      "-c",
      "1",
      "-W",
      "1",
      x.ip,
    ]);
    expect(inet.code).not.toBe(0);
    expect(pingFrom(x.ns, "203.0.113.10")).toBe(false);

    // An EIP on X's port: the default group lets in only its members, so the internet still gets nothing...
    const public1 = await eip(dp.api, x.nicId);
    expect(pingFrom(internet, public1.address)).toBe(false);
    // ...until a rule lets the internet in; X's own traffic to the internet leaves as the EIP.
    await groups.rule(await groups.default(), { protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" });
    await groups.rule(await groups.default(), { protocol: "tcp", port_range_min: 80, port_range_max: 80 });
    expect(answersFrom(internet, public1.address)).toBe(true);
    expect(answersFrom(x.ns, "203.0.113.10")).toBe(true);
    listen(internet, 9000);
    await listening(internet, 9000);
    listen(x.ns, 80);
    await listening(x.ns, 80);
    expect(connects(internet, public1.address, 80)).toBe(true);
    expect(connects(x.ns, "203.0.113.10", 9000)).toBe(true);
    // Y has no EIP: still nothing either way.
    expect(pingFrom(y.ns, "203.0.113.10")).toBe(false);

    // Unbinding stops it at once; binding it to Y moves it.
    await bindEip(dp.api, public1.id, null);
    expect(pingFrom(internet, public1.address)).toBe(false);
    await bindEip(dp.api, public1.id, y.nicId);
    expect(answersFrom(internet, public1.address)).toBe(true);
    expect(answersFrom(y.ns, "203.0.113.10")).toBe(true);
    expect(pingFrom(x.ns, "203.0.113.10")).toBe(false);
    // Unbound and released: gone, and Y is cut off from the internet again.
    await bindEip(dp.api, public1.id, null);
    expect((await dp.api.call("DELETE", dp.api.p(`/publicips/${public1.id}`))).status).toBe(204);
    expect(pingFrom(internet, public1.address)).toBe(false);
    expect(pingFrom(y.ns, "203.0.113.10")).toBe(false);
  }, 120_000);

  it("an EIP on a keepalived VIP answers from the master, and from the backup once the master's keepalived is killed", async () => {
    const topology = new Topology(dp.api, dp.api.projectId);
    const groups = new Groups(dp.api);
    const net = await createNetwork(dp.api, "10.50.1.0/24", "10.50.0.0/16");
    const ha = await groups.closed("ha");
    await groups.rule(ha, { protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" });
    await groups.rule(ha, { protocol: "112", remote_group_id: ha });
    const [a, b] = await serversIn(dp, net.vpcId, net.subnetId, 2, [ha]);
    if (!a || !b) throw new Error("two servers expected");
    const vip = await topology.privateIp(net.subnetId, "10.50.1.100");
    await topology.bindVip(a.nicId, net.subnetId, vip.ip_address);
    await topology.bindVip(b.nicId, net.subnetId, vip.ip_address);
    const vipPort = await topology.portAt(vip.ip_address);
    if (!vipPort) throw new Error("the VIP's port expected");
    const publicIp = await eip(dp.api, vipPort);

    listen(a.ns, 80, "a");
    listen(b.ns, 80, "b");
    await listening(a.ns, 80);
    await listening(b.ns, 80);
    await groups.rule(ha, { protocol: "tcp", port_range_min: 80, port_range_max: 80 });
    const pidA = await pidOf(await startKeepalived(dp, a, "a", keepalivedConfig(a.ip, b.ip, 150, vip.ip_address)));
    const vrrpA = await pidOf(`${dp.dir}/a-vrrp.pid`);
    await pidOf(await startKeepalived(dp, b, "b", keepalivedConfig(b.ip, a.ip, 100, vip.ip_address)));
    await until(
      () => addressesIn(a.ns).includes(vip.ip_address) && !addressesIn(b.ns).includes(vip.ip_address),
      10_000,
    );
    // The master answers on the EIP (the router learns the VIP's MAC from A's gratuitous ARP or its own request).
    await until(() => answerOf(internet, publicIp.address, 80) === "a", 10_000, 100).catch((error) => {
      const router = `${dp.prefix}-rt-${net.vpcId}`;
      for (const argv of [
        ["ip", "-n", router, "neigh"],
        ["ip", "-n", router, "-br", "addr"],
        ["ip", "-n", a.ns, "-br", "addr"],
        ["ip", "-n", b.ns, "-br", "addr"],
        ["ip", "netns", "exec", router, "nft", "list", "ruleset"],
        ["ip", "netns", "exec", `${dp.prefix}-dp`, "nft", "list", "ruleset"],
      ]) {
        console.log(`$ ${argv.join(" ")}\n${spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" }).stdout}`);
      }
      console.log(`answer now: ${answerOf(internet, publicIp.address, 80)}`);
      throw error;
    });
    expect(answersFrom(internet, publicIp.address)).toBe(true);

    // Killed, not stopped: no goodbye advert, and the VIP stays on A's eth0; B takes over after the master-down
    // interval and announces the VIP (gratuitous ARP), so the router sends the EIP's traffic to B from then on.
    const killed = Date.now();
    process.kill(vrrpA, "SIGKILL");
    process.kill(pidA, "SIGKILL");
    await until(() => answerOf(internet, publicIp.address, 80) === "b", 15_000, 0);
    const failover = Date.now() - killed;
    expect(addressesIn(b.ns)).toContain(vip.ip_address);
    console.log(
      `EIP on a VIP: fail-over seen from the internet ${failover} ms after the master's keepalived was killed`,
    );
  }, 120_000);
});
