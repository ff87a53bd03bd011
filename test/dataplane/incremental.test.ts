/**
 * A change reads only what it touched (the store's `readWireSlice`) and re-plans only the parts it reaches, with the
 * same planner as a full read. Here, after every step of a busy session through the HTTP API, the plan so kept must
 * equal the plan of a full read of the store; the parts each change reports (as they were, as they are) must, laid
 * over the previous plan, give that same plan; and the rules' incremental script must be small.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataplaneNames } from "../../src/domain/portsec/names.js";
import { diffRules } from "../../src/domain/portsec/rules-plan.js";
import type { WirePlan } from "../../src/domain/portsec/topology.js";
import { planWire, type WireChange, WirePlanner } from "../../src/domain/portsec/wire-planner.js";
import type { Change } from "../../src/store/change-feed.js";
import { type HttpSuite, openHttpSuite } from "../support/http-suite.js";
import { Topology } from "../support/topology.js";

const names = dataplaneNames("evi");

/** `plan` with the parts a change reports replaced: `before`'s keys out, `after`'s in. */
function layOver(plan: WirePlan, change: WireChange): WirePlan {
  const replace = <V>(map: Map<string, V>, before: Map<string, V>, after: Map<string, V>) => {
    const next = new Map(map);
    for (const [key, value] of before) {
      expect(next.get(key)).toEqual(value); // what the change says was there, was there
      next.delete(key);
    }
    for (const [key, value] of after) next.set(key, value);
    return next;
  };
  const servers = replace(
    new Map(plan.servers.map((server) => [server.serverId, server])),
    new Map(change.before.servers.map((server) => [server.serverId, server])),
    new Map(change.after.servers.map((server) => [server.serverId, server])),
  );
  return {
    ...change.after,
    servers: [...servers.values()].sort((a, b) => (a.serverId < b.serverId ? -1 : 1)),
    rules: {
      nics: replace(plan.rules.nics, change.before.rules.nics, change.after.rules.nics),
      groupChains: replace(plan.rules.groupChains, change.before.rules.groupChains, change.after.rules.groupChains),
      sets: replace(plan.rules.sets, change.before.rules.sets, change.after.rules.sets),
    },
  };
}

describe("incremental planning equals full planning", () => {
  let suite: HttpSuite;
  let planner: WirePlanner;
  /** The first full plan with every change's reported parts laid over it. */
  let composed: WirePlan;
  let patched = 0;
  let patching: Promise<void> = Promise.resolve();
  let unsubscribe: () => void;
  const scripts: string[] = [];
  let scriptsSeen = 0;

  beforeAll(async () => {
    suite = await openHttpSuite({ server: { buildMs: 50 } });
    const store = suite.server.store;
    planner = WirePlanner.from(await store.read((tx) => tx.admin.networkState()), names);
    patched = await store.changes.currentRevision();
    composed = planner.plan();
    unsubscribe = store.changes.subscribe((change: Change) => {
      patching = patching.then(async () => {
        const parts = planner.apply(await store.read((tx) => tx.admin.wireSlice(change)));
        scripts.push(diffRules(parts.before.rules, parts.after.rules));
        composed = layOver(composed, parts);
        patched = change.revision;
      });
      return patching;
    });
  });

  afterAll(async () => {
    unsubscribe?.();
    await suite?.server.dispose();
  });

  /** Once every committed change is patched in: the incremental plan is the full one; keeps the rules' script. */
  async function agrees(): Promise<void> {
    const store = suite.server.store;
    for (let i = 0; i < 200 && patched !== (await store.changes.currentRevision()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await patching;
    const incremental = planner.plan();
    const whole = planWire(await store.read((tx) => tx.admin.networkState()), names);
    expect(incremental).toEqual(whole);
    expect(composed).toEqual(whole);
    // What the step's changes wrote to the rules, as one script (the assertions below read it).
    scripts.push(scripts.splice(scriptsSeen).join(""));
    scriptsSeen = scripts.length;
  }

  it("after creating, binding, regrouping, re-ruling, NAT-ing, stopping and deleting", async () => {
    const { api } = suite;
    const topology = new Topology(api, api.projectId);
    const vpc = await topology.vpc({ cidr: "10.60.0.0/16" });
    const s1 = await topology.subnet({ vpcId: vpc.id, cidr: "10.60.1.0/24" });
    const s2 = await topology.subnet({ vpcId: vpc.id, cidr: "10.60.2.0/24" });
    await agrees();
    const group = (await topology.must("POST", "/v2.0/security-groups", { security_group: { name: "web" } }))
      .security_group;
    const { serverIds } = await topology.activeServers({ vpcId: vpc.id, subnetIds: [s1.id], count: 3 });
    await agrees();
    const nics = await Promise.all(serverIds.map(async (id) => (await topology.nicsOf(id))[0]));
    const [a, b, c] = nics;
    if (!a || !b || !c) throw new Error("three NICs expected");

    await topology.bindVip(a.nicId, s1.id, "10.60.1.100");
    await agrees();
    expect(scripts.at(-1)).toContain("10.60.1.100"); // the NIC's chain and the default group's member set
    expect(scripts.at(-1)).not.toContain(b.ip);

    // A port made in one change joins the default group's member set (its address is matched at once).
    const groups = await topology.must("GET", "/v2.0/security-groups?name=default");
    const defaultGroup = groups.security_groups[0].id as string;
    await topology.must("POST", "/v2.0/ports", {
      port: { network_id: s1.id, fixed_ips: [{ ip_address: "10.60.1.77" }], security_groups: [defaultGroup] },
    });
    await agrees();
    expect(scripts.at(-1)).toContain("10.60.1.77");

    await topology.must("PUT", `/v2.0/ports/${b.nicId}`, { port: { security_groups: [group.id] } });
    await agrees();
    const rule = await topology.must("POST", "/v2.0/security-group-rules", {
      security_group_rule: {
        security_group_id: group.id,
        direction: "ingress",
        protocol: "tcp",
        port_range_min: 22,
        port_range_max: 22,
      },
    });
    await agrees();
    expect(scripts.at(-1)).toContain("th dport 22 accept");
    await topology.must("DELETE", `/v2.0/security-group-rules/${rule.security_group_rule.id}`);
    await agrees();

    // A group that only another group's rule names: a port joining it joins that rule's member set.
    const peers = (await topology.must("POST", "/v2.0/security-groups", { security_group: { name: "peers" } }))
      .security_group;
    await topology.must("POST", "/v2.0/security-group-rules", {
      security_group_rule: {
        security_group_id: group.id,
        direction: "ingress",
        protocol: "udp",
        remote_group_id: peers.id,
      },
    });
    await agrees();
    await topology.must("POST", "/v2.0/ports", {
      port: { network_id: s1.id, fixed_ips: [{ ip_address: "10.60.1.78" }], security_groups: [peers.id] },
    });
    await agrees();
    expect(scripts.at(-1)).toContain("10.60.1.78");

    const eip = (
      await topology.must("POST", topology.p("/publicips"), {
        publicip: { type: "5_bgp" },
        bandwidth: { name: "bw", size: 10, share_type: "PER" },
      })
    ).publicip;
    await topology.must("PUT", topology.p(`/publicips/${eip.id}`), { publicip: { port_id: c.nicId } });
    await agrees();
    await topology.must("PUT", topology.p(`/publicips/${eip.id}`), { publicip: { port_id: null } });
    await agrees();
    await topology.must("PUT", topology.p(`/publicips/${eip.id}`), { publicip: { port_id: a.nicId } });
    await agrees();

    await topology.must("PUT", `/v2.0/ports/${c.nicId}`, {
      port: { port_security_enabled: false, security_groups: [] },
    });
    await agrees();
    await topology.addNic(serverIds[0] as string, s2.id);
    await agrees();
    const stop = await topology.must("POST", topology.p("/cloudservers/action"), {
      "os-stop": { servers: [{ id: serverIds[1] }] },
    });
    await topology.waitForJob(stop.job_id);
    await agrees();
    const removed = await topology.must("POST", topology.p("/cloudservers/delete"), {
      servers: [{ id: serverIds[2] }],
      delete_publicip: false,
      delete_volume: false,
    });
    await topology.waitForJob(removed.job_id);
    await agrees();
    expect(planner.plan().servers.map((server) => server.serverId)).not.toContain(serverIds[2]);
  }, 60_000);
});
