/**
 * Security groups on the wire, end to end through the HTTP API: what a rule allows reaches a NIC and nothing else,
 * in both directions, with replies of allowed connections passing (stateful); adding or deleting a rule, changing a
 * port's groups or its port security changes the wire before the response. And the keepalived outage these clouds
 * are known for: a group that does not let VRRP through splits the brain; a rule allowing it heals it.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  connects,
  Groups,
  keepalivedConfig,
  listen,
  listening,
  pidOf,
  serversIn,
  startKeepalived,
  VPC_DRILL_NEEDS,
} from "./vpc-support.js";

describe.skipIf(VPC_DRILL_NEEDS.skip)(VPC_DRILL_NEEDS.title("security groups on the wire"), () => {
  let dp: DataplaneServer;
  let host: ReturnType<typeof hostSnapshot>;

  beforeAll(async () => {
    host = hostSnapshot();
    dp = await startDataplaneServer();
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

  it("rules decide what reaches a NIC and what it sends; replies pass; every change shows before the response", async () => {
    const groups = new Groups(dp.api);
    const net = await createNetwork(dp.api, "192.168.20.0/24");
    const web = await groups.closed("web");
    await groups.rule(web, {
      protocol: "tcp",
      port_range_min: 8080,
      port_range_max: 8080,
      remote_ip_prefix: "0.0.0.0/0",
    });
    await groups.rule(web, { protocol: "icmp", remote_group_id: web });
    const [a, b] = await serversIn(dp, net.vpcId, net.subnetId, 2, [web]);
    const [c] = await serversIn(dp, net.vpcId, net.subnetId, 1); // the default group
    if (!a || !b || !c) throw new Error("three servers expected");
    for (const port of [8080, 8081]) listen(a.ns, port);
    await listening(a.ns, 8080);
    await listening(a.ns, 8081);

    // Ingress: ICMP only from members of "web", TCP only on 8080.
    expect(answersFrom(b.ns, a.ip)).toBe(true);
    expect(pingFrom(c.ns, a.ip)).toBe(false);
    expect(connects(c.ns, a.ip, 8080)).toBe(true);
    expect(connects(c.ns, a.ip, 8081)).toBe(false);
    // Stateful: C's default group lets in only its own members, so A cannot open anything towards C, yet the
    // replies of C's connection to A came back.
    expect(pingFrom(a.ns, c.ip)).toBe(false);

    // A rule added for C's address works at once; deleted, it stops at once.
    const fromC = await groups.rule(web, { protocol: "icmp", remote_ip_prefix: `${c.ip}/32` });
    expect(answersFrom(c.ns, a.ip)).toBe(true);
    await groups.deleteRule(fromC);
    expect(pingFrom(c.ns, a.ip)).toBe(false);

    // ICMP type: echo requests only (type 8), any code.
    await groups.rule(web, { protocol: "icmp", port_range_min: 8, remote_ip_prefix: "192.168.20.0/24" });
    expect(answersFrom(c.ns, a.ip)).toBe(true);

    // Membership: C joins "web", whose ICMP rule names "web" itself: now A reaches C.
    const def = await groups.default();
    await groups.setPortGroups(c.nicId, [def, web]);
    expect(answersFrom(a.ns, c.ip)).toBe(true);

    // remote_group_id covers members' allowed address pairs: B sends as a VIP bound to its NIC, A answers.
    const vip = "192.168.20.100";
    await dp.api.call("PUT", dp.api.p(`/cloudservers/nics/${b.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: vip },
    });
    expect(runIn(b.ns, ["ip", "addr", "add", `${vip}/24`, "dev", "eth0"])).toBe(true);
    expect(answersFrom(b.ns, a.ip, vip)).toBe(true);

    // Egress: without egress rules A sends nothing new, though it still answers what others open (stateful).
    for (const rule of await groups.rulesOf(web)) {
      if (rule.direction === "egress") await groups.deleteRule(rule.id);
    }
    expect(pingFrom(a.ns, c.ip)).toBe(false);
    expect(answersFrom(c.ns, a.ip)).toBe(true);
    expect(connects(c.ns, a.ip, 8080)).toBe(true);

    // Port security off lifts every filter of that NIC, both ways.
    const off = await dp.api.call("PUT", `/v2.0/ports/${a.nicId}`, {
      port: { port_security_enabled: false, security_groups: [] },
    });
    expect(off.status).toBe(200);
    expect(connects(c.ns, a.ip, 8081)).toBe(true);
    expect(answersFrom(a.ns, c.ip)).toBe(true);
    expect(answersFrom(b.ns, a.ip)).toBe(false); // B is in "web", which has no egress rule left
  }, 120_000);

  it("an HA pair whose group does not allow VRRP splits the brain; a rule for IP protocol 112 heals it", async () => {
    const groups = new Groups(dp.api);
    const net = await createNetwork(dp.api, "192.168.21.0/24");
    const ha = await groups.closed("ha");
    await groups.rule(ha, { protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" });
    const [d, e] = await serversIn(dp, net.vpcId, net.subnetId, 2, [ha]);
    if (!d || !e) throw new Error("two servers expected");
    const vip = "192.168.21.150";
    await pidOf(await startKeepalived(dp, d, "d", keepalivedConfig(d.ip, e.ip, 150, vip)));
    await pidOf(await startKeepalived(dp, e, "e", keepalivedConfig(e.ip, d.ip, 100, vip)));

    // Neither hears the other: both become MASTER and both hold the VIP.
    await until(() => addressesIn(d.ns).includes(vip) && addressesIn(e.ns).includes(vip), 10_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([addressesIn(d.ns).includes(vip), addressesIn(e.ns).includes(vip)]).toEqual([true, true]);

    // VRRP allowed between members: the lower priority steps back; one MASTER is left.
    const allowed = Date.now();
    await groups.rule(ha, { protocol: "112", remote_group_id: ha });
    await until(() => addressesIn(d.ns).includes(vip) && !addressesIn(e.ns).includes(vip), 10_000, 20);
    console.log(`split brain healed ${Date.now() - allowed} ms after the VRRP rule's response (advert_int 0.2 s)`);
  }, 120_000);
});

function runIn(ns: string, argv: string[]): boolean {
  return spawnSync("ip", ["netns", "exec", ns, ...argv], { stdio: "ignore" }).status === 0;
}
