/** The steps from what is on the wire to the plan: pure, so they are checked here without root. */
import { describe, expect, it } from "vitest";
import { diffWire, type WireOp } from "../../src/dataplane/diff.js";
import { expectedObservation, trustServersInside } from "../../src/dataplane/wire-state.js";
import { dataplaneNames, EXTERNAL_BRIDGE, INTERNET_LINK } from "../../src/domain/portsec/names.js";
import { emptyRulesPlan, type RulesPlan } from "../../src/domain/portsec/rules-plan.js";
import type { WirePlan } from "../../src/domain/portsec/topology.js";

const names = dataplaneNames("evd");
const router = {
  vpcId: "v1",
  namespace: names.routerNamespace("v1"),
  uplink: names.uplinkLink("v1"),
  uplinkMac: "02:00:00:00:00:01",
  eipAddresses: [] as string[],
  ruleset: "router-rules-1",
};
const segment = {
  subnetId: "s1",
  vpcId: "v1",
  bridge: names.bridge("s1"),
  routerNamespace: router.namespace,
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
/** Rules with one NIC chain per server given, its body `body`. */
function rulesFor(servers: { nics: { link: string }[] }[], body = ["drop"]): RulesPlan {
  const rules = emptyRulesPlan();
  for (const server of servers)
    for (const nic of server.nics) rules.nics.set(nic.link, { link: nic.link, portsec: body });
  return rules;
}
const plan = (servers = [serverA], rules = rulesFor(servers), routers = [router]): WirePlan => ({
  dataplaneNamespace: names.dataplaneNamespace,
  internetNamespace: names.internetNamespace,
  externalBridge: EXTERNAL_BRIDGE,
  internetLink: INTERNET_LINK,
  routers,
  segments: [segment],
  servers,
  rules,
});
const whats = (ops: WireOp[]) => ops.map((op) => op.what);
const empty = {
  namespaces: new Set<string>(),
  dataplaneLinks: new Map(),
  namespaceIfaces: new Map(),
  defaultRoutes: new Map(),
  forwarding: new Set<string>(),
  bridgedTrafficFiltered: false,
};

describe("wire diff", () => {
  it("nothing to do when the wire is what the plan implies", () => {
    expect(diffWire(plan(), expectedObservation(plan()))).toEqual([]);
  });

  it("from nothing: namespace, bridges, then the rules, then internet, router, gateway and NIC links", () => {
    const ops = whats(diffWire(plan(), empty));
    const rules = ops.indexOf("apply port-security and security-group rules");
    expect(ops[0]).toBe("create the data plane's namespace evd-dp");
    expect(ops).toContain("evd-dp: bridged IPv4 through the inet hooks");
    expect(ops.indexOf("create bridge bext (external)")).toBeLessThan(rules);
    expect(ops.indexOf("create the internet's link xinet")).toBeGreaterThan(rules);
    expect(ops.indexOf(`create router namespace ${router.namespace} (VPC v1)`)).toBeGreaterThan(rules);
    expect(ops.indexOf(`${router.namespace}: forwarding on`)).toBeGreaterThan(0);
    expect(ops.indexOf(`apply NAT rules of router ${router.namespace}`)).toBeGreaterThan(0);
    expect(ops.findIndex((what) => what.startsWith("create bridge"))).toBeLessThan(rules);
    expect(ops.findIndex((what) => what.startsWith("create gateway link"))).toBeGreaterThan(rules);
    expect(ops.findIndex((what) => what.startsWith("create eth0 of server a"))).toBeGreaterThan(rules);
    expect(ops.at(-1)).toBe("evd-srv-a: default via 10.0.0.1");
  });

  it("a bind changes only that NIC's chain: one nft -f of a few lines", () => {
    const ops = diffWire(plan([serverA], rulesFor([serverA], ["accept"])), expectedObservation(plan()));
    const link = serverA.nics[0]?.link;
    expect(ops).toEqual([
      {
        what: "change port-security and security-group rules",
        argv: ["ip", "netns", "exec", "evd-dp", "nft", "-f", "-"],
        input: `add chain bridge ecs_vip_portsec nic_${link}\nflush chain bridge ecs_vip_portsec nic_${link}\nadd rule bridge ecs_vip_portsec nic_${link} accept\n`,
      },
    ]);
  });

  it("binding an EIP adds its address to the router's uplink, replaces the router's NAT table, and makes the internet ask again", () => {
    const bound = plan([serverA], rulesFor([serverA]), [
      { ...router, eipAddresses: ["198.51.100.7/32"], ruleset: "router-rules-2" },
    ]);
    expect(diffWire(bound, expectedObservation(plan()))).toEqual([
      {
        what: `apply NAT rules of router ${router.namespace}`,
        argv: ["ip", "netns", "exec", router.namespace, "nft", "-f", "-"],
        input: "router-rules-2",
      },
      {
        what: `${router.namespace}: EIP 198.51.100.7/32`,
        argv: ["ip", "-n", router.namespace, "addr", "add", "198.51.100.7/32", "dev", "up0"],
      },
      {
        what: "evd-inet: forget 198.51.100.7/32's old MAC",
        argv: ["ip", "-n", "evd-inet", "neigh", "flush", "to", "198.51.100.7/32", "dev", "eth0"],
      },
    ]);
    expect(whats(diffWire(plan(), expectedObservation(bound)))).toEqual([
      `${router.namespace}: EIP 198.51.100.7/32 released`,
      `apply NAT rules of router ${router.namespace}`,
    ]);
  });

  it("a VPC without subnets any more loses its router namespace", () => {
    const ops = whats(diffWire({ ...plan([]), segments: [], routers: [] }, expectedObservation(plan())));
    expect(ops).toContain(`remove namespace ${router.namespace}`);
    expect(ops).toContain(`remove link ${router.uplink}`);
    expect(ops).toContain(`remove link ${segment.gatewayLink}`);
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
    const ops = diffWire(plan([]), expectedObservation(plan()));
    const link = serverA.nics[0]?.link;
    expect(whats(ops)).toEqual([
      `remove link ${link}`,
      "remove namespace evd-srv-a",
      "change port-security and security-group rules",
    ]);
    expect((ops[2] as { input: string }).input).toBe(
      `delete element bridge ecs_vip_portsec nic_chains { "${link}" }\ndelete chain bridge ecs_vip_portsec nic_${link}\n`,
    );
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

describe("a quick start-up pass (server namespaces seen from the data plane's side)", () => {
  const unread = (observed: ReturnType<typeof expectedObservation>) => {
    const copy = { ...observed, namespaceIfaces: new Map(observed.namespaceIfaces), serversUnread: true };
    copy.namespaceIfaces.delete("evd-srv-a");
    return copy;
  };

  it("trusts a NIC whose bridge-side link is intact: nothing to do", () => {
    expect(diffWire(plan(), trustServersInside(unread(expectedObservation(plan())), plan()))).toEqual([]);
  });

  it("still sees a server stopped before the crash but not brought down, and a NIC whose link is gone", () => {
    const stopped = plan([{ ...serverA, up: false }]);
    expect(whats(diffWire(stopped, trustServersInside(unread(expectedObservation(plan())), stopped)))).toEqual([
      `${serverA.nics[0]?.link} down`,
      "evd-srv-a: eth0 down (server stopped)",
    ]);
    const observed = unread(expectedObservation(plan()));
    observed.dataplaneLinks = new Map(observed.dataplaneLinks);
    observed.dataplaneLinks.delete(serverA.nics[0]?.link as string);
    const ops = whats(diffWire(plan(), trustServersInside(observed, plan())));
    expect(ops).toContain(`create eth0 of server a (link ${serverA.nics[0]?.link}, fa:16:3e:00:00:0a, 10.0.0.10/24)`);
  });
});
