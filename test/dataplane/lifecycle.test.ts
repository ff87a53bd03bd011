/**
 * The wire follows every request that changes it, before the response: a server's namespace appears when it goes
 * ACTIVE, its links go down and up with stop and start, NICs come and go with batch add and delete, Neutron pair
 * updates and port deletes change the rules, and a deleted server's namespace is gone.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetwork, createServers, waitForJob } from "../support/world.js";
import {
  answersFrom,
  cli,
  type DataplaneServer,
  hostSnapshot,
  linksIn,
  namespaces,
  pingFrom,
  rulesetOf,
  SKIP_REASON,
  SKIP_TITLE,
  startDataplaneServer,
  until,
} from "./support.js";

describe.skipIf(SKIP_REASON !== undefined)(`data plane lifecycle${SKIP_TITLE}`, () => {
  let dp: DataplaneServer;
  let host: ReturnType<typeof hostSnapshot>;

  beforeAll(async () => {
    host = hostSnapshot();
    dp = await startDataplaneServer();
  }, 120_000);

  afterAll(async () => {
    if (!dp) return;
    await dp.server.terminate();
    expect((await cli(["dataplane", "down", "--db", dp.db])).code).toBe(0);
    expect(namespaces(dp.prefix)).toEqual([]);
    rmSync(dp.dir, { recursive: true, force: true });
    expect(hostSnapshot()).toEqual(host);
  }, 120_000);

  it("create, stop/start, NIC add/delete, pair update, port delete, server delete", async () => {
    const { api } = dp;
    const net = await createNetwork(api, "192.168.10.0/24");
    const [a, c] = await createServers(api, net.vpcId, net.subnetId, 2);
    if (!a || !c) throw new Error("two servers expected");
    const nsA = `${dp.prefix}-srv-${a.serverId}`;
    const nsC = `${dp.prefix}-srv-${c.serverId}`;
    // The build job completes in the background: the namespace follows that commit, so it may trail the job by one
    // apply (a job read as SUCCESS can race it).
    await until(() => namespaces(dp.prefix).includes(nsA) && namespaces(dp.prefix).includes(nsC), 10_000);
    await until(() => [nsA, nsC].every((ns) => linksIn(ns)[0]?.up === true), 10_000);
    expect(linksIn(nsA).map((link) => [link.ifname, link.up])).toEqual([["eth0", true]]);

    // Stop and start: links down, then up again (the response comes after the wire changed).
    const action = async (body: object) => {
      const response = await api.call("POST", api.p("/cloudservers/action"), body);
      expect(response.status).toBe(200);
      await waitForJob(api, response.body.job_id);
    };
    await action({ "os-stop": { servers: [{ id: a.serverId }] } });
    expect(linksIn(nsA).map((link) => link.up)).toEqual([false]);
    expect(pingFrom(nsC, a.ip)).toBe(false);
    await action({ "os-start": { servers: [{ id: a.serverId }] } });
    expect(linksIn(nsA).map((link) => link.up)).toEqual([true]);
    expect(answersFrom(nsC, a.ip)).toBe(true);

    // A second NIC on a second subnet (its own bridge and gateway): eth1 with its address and rules.
    const subnet2 = await api.call("POST", api.p("/subnets"), {
      subnet: { name: "second", cidr: "192.168.11.0/24", gateway_ip: "192.168.11.1", vpc_id: net.vpcId },
    });
    expect(subnet2.status).toBe(200);
    const added = await api.call("POST", api.p(`/cloudservers/${a.serverId}/nics`), {
      nics: [{ subnet_id: subnet2.body.subnet.id, ip_address: "192.168.11.150" }],
    });
    expect(added.status).toBe(200);
    await waitForJob(api, added.body.job_id);
    expect(linksIn(nsA).map((link) => link.ifname)).toEqual(["eth0", "eth1"]);
    expect(answersFrom(nsA, "192.168.11.1")).toBe(true);
    // C reaches eth1 through the router, but A answers from eth0 as 192.168.11.150: port security drops it there.
    expect(pingFrom(nsC, "192.168.11.150")).toBe(false);
    const nics = (await api.call("GET", api.p(`/cloudservers/${a.serverId}/os-interface`))).body.interfaceAttachments;
    const second = nics.find((nic: any) => nic.fixed_ips[0].ip_address === "192.168.11.150");
    const deleted = await api.call("POST", api.p(`/cloudservers/${a.serverId}/nics/delete`), {
      nics: [{ id: second.port_id }],
    });
    expect(deleted.status).toBe(200);
    await waitForJob(api, deleted.body.job_id);
    expect(linksIn(nsA).map((link) => link.ifname)).toEqual(["eth0"]);
    expect(rulesetOf(dp.prefix)).not.toContain("192.168.11.150");

    // Neutron: a pair set by hand (a CIDR) shows in the rules; deleting the VIP port clears the bound pair.
    const updated = await api.call("PUT", `/v2.0/ports/${a.nicId}`, {
      port: { allowed_address_pairs: [{ ip_address: "192.168.10.64/28" }] },
    });
    expect(updated.status).toBe(200);
    expect(rulesetOf(dp.prefix)).toContain("ip saddr 192.168.10.64/28 accept");
    const bound = await api.call("PUT", api.p(`/cloudservers/nics/${c.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.10.200" },
    });
    expect(bound.status).toBe(200);
    expect(rulesetOf(dp.prefix)).toContain("ip saddr 192.168.10.200 accept");
    const vipPort = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.10.200")).body.ports[0];
    expect((await api.call("DELETE", `/v2.0/ports/${vipPort.id}`)).status).toBe(204);
    expect(rulesetOf(dp.prefix)).not.toContain("192.168.10.200");

    // Deleting the server removes its namespace and its rules.
    const removed = await api.call("POST", api.p("/cloudservers/delete"), { servers: [{ id: a.serverId }] });
    expect(removed.status).toBe(200);
    await waitForJob(api, removed.body.job_id);
    expect(namespaces(dp.prefix)).not.toContain(nsA);
    expect(rulesetOf(dp.prefix)).not.toContain("192.168.10.64/28");
    expect(namespaces(dp.prefix)).toContain(nsC);
  }, 180_000);
});
