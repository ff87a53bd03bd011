/** The steps from what is on the wire to the plan: pure, so they are checked here without root. */
import { describe, expect, it } from "vitest";
import { diffWire, type WireOp } from "../../src/dataplane/diff.js";
import { expectedObservation } from "../../src/dataplane/wire-state.js";
import { dataplaneNames } from "../../src/domain/portsec/names.js";
import type { WirePlan } from "../../src/domain/portsec/topology.js";

const names = dataplaneNames("evd");
const segment = {
  subnetId: "s1",
  bridge: names.bridge("s1"),
  gatewayNamespace: names.gatewayNamespace("s1"),
  gatewayLink: names.gatewayLink("s1"),
  gatewayMac: "fa:16:3e:00:00:01",
  gatewayAddress: "10.0.0.1/24",
};
const serverA = {
  serverId: "a",
  namespace: names.serverNamespace("a"),
  up: true,
  defaultGateway: "10.0.0.1",
  nics: [
    {
      portId: "n1",
      link: names.nicLink("n1"),
      ifname: "eth0",
      mac: "fa:16:3e:00:00:0a",
      address: "10.0.0.10/24",
      bridge: segment.bridge,
    },
  ],
};
const plan = (servers = [serverA], ruleset = "rules-1"): WirePlan => ({
  dataplaneNamespace: names.dataplaneNamespace,
  segments: [segment],
  servers,
  ruleset,
});
const whats = (ops: WireOp[]) => ops.map((op) => op.what);
const empty = {
  namespaces: new Set<string>(),
  dataplaneLinks: new Map(),
  namespaceIfaces: new Map(),
  defaultRoutes: new Map(),
};

describe("wire diff", () => {
  it("nothing to do when the wire is what the plan implies", () => {
    expect(diffWire(plan(), expectedObservation(plan()))).toEqual([]);
  });

  it("from nothing: namespace, bridge, then the rules, then gateway and NIC links", () => {
    const ops = whats(diffWire(plan(), empty));
    const rules = ops.indexOf("apply port-security rules");
    expect(ops[0]).toBe("create the data plane's namespace evd-dp");
    expect(ops.findIndex((what) => what.startsWith("create bridge"))).toBeLessThan(rules);
    expect(ops.findIndex((what) => what.startsWith("create gateway link"))).toBeGreaterThan(rules);
    expect(ops.findIndex((what) => what.startsWith("create eth0 of server a"))).toBeGreaterThan(rules);
    expect(ops.at(-1)).toBe("evd-srv-a: default via 10.0.0.1");
  });

  it("a bind changes only the rules: one nft -f", () => {
    const ops = diffWire(plan([serverA], "rules-2"), expectedObservation(plan()));
    expect(ops).toEqual([
      {
        what: "apply port-security rules",
        argv: ["ip", "netns", "exec", "evd-dp", "nft", "-f", "-"],
        input: "rules-2",
      },
    ]);
  });

  it("stop sets both ends down, start sets them up and restores the default route", () => {
    const stopped = plan([{ ...serverA, up: false }]);
    expect(whats(diffWire(stopped, expectedObservation(plan())))).toEqual([
      `${serverA.nics[0]?.link} down`,
      "evd-srv-a: eth0 down (server stopped)",
    ]);
    expect(whats(diffWire(plan(), expectedObservation(stopped)))).toEqual([
      `${serverA.nics[0]?.link} up`,
      "evd-srv-a: eth0 up (server started)",
      "evd-srv-a: default via 10.0.0.1",
    ]);
  });

  it("a deleted server loses its links before its namespace, and the rules follow", () => {
    const ops = whats(diffWire(plan([], "rules-without-a"), expectedObservation(plan())));
    expect(ops).toEqual([
      `remove link ${serverA.nics[0]?.link}`,
      "remove namespace evd-srv-a",
      "apply port-security rules",
    ]);
  });

  it("addresses added inside a server (keepalived's VIP) are left alone; a wrong MAC rebuilds the NIC", () => {
    const observed = expectedObservation(plan());
    const eth0 = observed.namespaceIfaces.get("evd-srv-a")?.get("eth0");
    if (!eth0) throw new Error("eth0 expected");
    eth0.addresses.push("10.0.0.100/24");
    expect(diffWire(plan(), observed)).toEqual([]);
    eth0.mac = "fa:16:3e:00:00:ff";
    const ops = whats(diffWire(plan(), observed));
    expect(ops[0]).toBe(`remove link ${serverA.nics[0]?.link}`);
    expect(ops).toContain(`create eth0 of server a (link ${serverA.nics[0]?.link}, fa:16:3e:00:00:0a, 10.0.0.10/24)`);
  });
});
