/**
 * A change reads only what it touched (the store's `readWireSlice`), patches the rows of the last plan and plans
 * them with the same planner as a full read. Here, after every step of a busy session through the HTTP API, the plan
 * so obtained must equal the plan of a full read of the store, and the rules' incremental script must be small.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataplaneNames } from "../../src/domain/portsec/names.js";
import { diffRules } from "../../src/domain/portsec/rules-plan.js";
import { planWire, type WirePlan } from "../../src/domain/portsec/topology.js";
import { WireRows } from "../../src/domain/portsec/wire-rows.js";
import type { Change } from "../../src/store/change-feed.js";
import { type HttpSuite, openHttpSuite } from "../support/http-suite.js";
import { Topology } from "../support/topology.js";

const names = dataplaneNames("evi");

describe("incremental planning equals full planning", () => {
  let suite: HttpSuite;
  let rows: WireRows;
  let patched = 0;
  let patching: Promise<void> = Promise.resolve();
  let unsubscribe: () => void;
  const scripts: string[] = [];
  let last: WirePlan;

  beforeAll(async () => {
    suite = await openHttpSuite({ server: { buildMs: 50 } });
    const store = suite.server.store;
    rows = WireRows.from(await store.read((tx) => tx.admin.networkState()));
    patched = await store.changes.currentRevision();
    last = planWire(rows.rows(), names);
    unsubscribe = store.changes.subscribe((change: Change) => {
      patching = patching.then(async () => {
        rows.patch(await store.read((tx) => tx.admin.wireSlice(change)));
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
    const incremental = planWire(rows.rows(), names);
    expect(incremental).toEqual(planWire(await store.read((tx) => tx.admin.networkState()), names));
    scripts.push(diffRules(last.rules, incremental.rules));
    last = incremental;
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
    expect(last.servers.map((server) => server.serverId)).not.toContain(serverIds[2]);
  }, 60_000);
});
