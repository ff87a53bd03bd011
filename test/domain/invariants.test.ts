import { describe, expect, it } from "vitest";
import type { StoreDump } from "../../src/domain/invariants/dump-view.js";
import { checkDump, checkIntegrity, checkSchemaVersion } from "../../src/domain/invariants/rules.js";
import { parseIpv4 } from "../../src/domain/net/ipv4.js";

const LIMITS = { maxNicsPerServer: 12, maxAddressPairs: 10 };
const VPC = "vpc-1";
const NET = "net-1";
const NEUTRON_SUBNET = "neutron-subnet-1";
const AZ_OWNER = "compute:local-1a";

type Row = Record<string, unknown>;

function port(id: string, ip: string, fields: Partial<Row> = {}): { port: Row; fixedIp: Row } {
  const networkId = (fields.network_id as string | undefined) ?? NET;
  return {
    port: {
      id,
      project_id: "p",
      network_id: networkId,
      mac_address: `fa:16:3e:00:00:${id.slice(-2).padStart(2, "0")}`,
      device_owner: "",
      device_id: "",
      nic_index: null,
      ...fields,
    },
    fixedIp: { port_id: id, network_id: networkId, subnet_id: NEUTRON_SUBNET, ip_address: ip, position: 0 },
  };
}

/**
 * A sound store: one VPC and subnet with its system ports, two servers with a primary NIC each, and a VIP bound to
 * the first NIC both ways (NIC pair and reverse pair).
 */
function soundDump(): StoreDump {
  const ports = [
    port("gw-01", "192.168.0.1", { device_owner: "network:router_interface_distributed" }),
    port("dh-02", "192.168.0.254", { device_owner: "network:dhcp" }),
    port("sy-03", "192.168.0.253", { device_owner: "network:router_interface_distributed" }),
    port("nic-11", "192.168.0.2", { device_owner: AZ_OWNER, device_id: "srv-1", nic_index: 0 }),
    port("nic-12", "192.168.0.3", { device_owner: AZ_OWNER, device_id: "srv-2", nic_index: 0 }),
    port("vip-21", "192.168.0.100", { device_owner: "neutron:VIP_PORT" }),
    port("pip-22", "192.168.0.50"),
  ];
  return {
    meta: [],
    vpcs: [{ id: VPC, project_id: "p", cidr: "192.168.0.0/16" }],
    subnets: [{ id: NET, neutron_subnet_id: NEUTRON_SUBNET, project_id: "p", vpc_id: VPC, cidr: "192.168.0.0/24" }],
    ports: ports.map((p) => p.port),
    fixed_ips: ports.map((p) => p.fixedIp),
    address_pairs: [
      { port_id: "nic-11", ip_address: "192.168.0.100", mac_address: "fa:16:3e:00:00:11", position: 0 },
      // Set by hand through /v2.0/ports: a block, and an address outside every subnet of the VPC.
      { port_id: "nic-11", ip_address: "192.168.0.0/28", mac_address: "fa:16:3e:00:00:11", position: 1 },
      { port_id: "nic-12", ip_address: "10.9.9.9", mac_address: "fa:16:3e:00:00:12", position: 0 },
      { port_id: "vip-21", ip_address: "192.168.0.2", mac_address: "fa:16:3e:00:00:11", position: 0 },
      // A pair with the VIP port's own MAC is not a reverse binding.
      { port_id: "vip-21", ip_address: "192.168.0.77", mac_address: "fa:16:3e:00:00:21", position: 1 },
    ],
    servers: [
      { id: "srv-1", project_id: "p", vpc_id: VPC, status: "ACTIVE" },
      { id: "srv-2", project_id: "p", vpc_id: VPC, status: "ACTIVE" },
    ],
    jobs: [],
  };
}

function rows(dump: StoreDump, table: string): Row[] {
  const list = dump[table];
  if (!list) throw new Error(`no table ${table}`);
  return list;
}

function find(dump: StoreDump, table: string, match: (row: Row) => boolean): Row {
  const row = rows(dump, table).find(match);
  if (!row) throw new Error(`no matching row in ${table}`);
  return row;
}

function remove(dump: StoreDump, table: string, match: (row: Row) => boolean): void {
  dump[table] = rows(dump, table).filter((row) => !match(row));
}

function addNic(dump: StoreDump, id: string, ip: string, serverId: string, index: number | null): void {
  const { port: p, fixedIp } = port(id, ip, { device_owner: AZ_OWNER, device_id: serverId, nic_index: index });
  rows(dump, "ports").push(p);
  rows(dump, "fixed_ips").push(fixedIp);
}

/** The violations of a dump, each reduced to its rule name, in order. */
function rulesBroken(dump: StoreDump): string[] {
  return checkDump(dump, LIMITS).map((line) => line.slice(0, line.indexOf(":")));
}

describe("the invariant checker", () => {
  it("finds nothing wrong in a sound store, hand-set pairs included", () => {
    expect(checkDump(soundDump(), LIMITS)).toEqual([]);
  });

  it("reports free ranges that are not exactly the host addresses no fixed IP holds", () => {
    const ip = (text: string) => parseIpv4(text) as number;
    const range = (subnet: string, first: string, last: string) => ({
      subnet_id: subnet,
      first: ip(first),
      last: ip(last),
    });
    const dump = soundDump();
    // Held: .1 .2 .3 .50 .100 .253 .254 of 192.168.0.0/24.
    dump.free_ranges = [
      range(NEUTRON_SUBNET, "192.168.0.4", "192.168.0.49"),
      range(NEUTRON_SUBNET, "192.168.0.51", "192.168.0.99"),
      range(NEUTRON_SUBNET, "192.168.0.101", "192.168.0.252"),
    ];
    expect(checkDump(dump, LIMITS)).toEqual([]);
    // A held address shown free, a free one missing, ranges split where nothing is held, and an unknown subnet.
    for (const wrong of [
      [range(NEUTRON_SUBNET, "192.168.0.4", "192.168.0.50")],
      [range(NEUTRON_SUBNET, "192.168.0.4", "192.168.0.48")],
      [range(NEUTRON_SUBNET, "192.168.0.4", "192.168.0.20"), range(NEUTRON_SUBNET, "192.168.0.21", "192.168.0.49")],
    ]) {
      const broken = soundDump();
      broken.free_ranges = [...wrong, ...(dump.free_ranges as Row[]).slice(1)];
      expect(rulesBroken(broken)).toEqual(["free-ranges"]);
    }
    const orphan = soundDump();
    orphan.free_ranges = [...(dump.free_ranges as Row[]), range("gone", "10.0.0.1", "10.0.0.9")];
    expect(checkDump(orphan, LIMITS)).toEqual(["free-ranges: ranges recorded for subnet gone, which does not exist"]);
  });

  it("finds nothing wrong in an empty store", () => {
    expect(checkDump({}, LIMITS)).toEqual([]);
  });

  it("reports an address held twice in one network", () => {
    const dump = soundDump();
    rows(dump, "fixed_ips").push({ ...find(dump, "fixed_ips", (r) => r.port_id === "pip-22"), port_id: "vip-21" });
    const violations = checkDump(dump, LIMITS);
    expect(violations).toEqual([
      expect.stringMatching(
        /^duplicate-ip: 192\.168\.0\.50 is held 2 times in network net-1 \(ports pip-22, vip-21\)$/,
      ),
    ]);
  });

  it("allows the same address in two networks", () => {
    const dump = soundDump();
    rows(dump, "subnets").push({ id: "net-2", neutron_subnet_id: "ns-2", vpc_id: VPC, cidr: "192.168.0.0/24" });
    const { port: p, fixedIp } = port("pip-23", "192.168.0.50", { network_id: "net-2" });
    rows(dump, "ports").push(p);
    rows(dump, "fixed_ips").push({ ...fixedIp, subnet_id: "ns-2" });
    expect(checkDump(dump, LIMITS)).toEqual([]);
  });

  it("reports fixed IPs outside their subnet, on its network or broadcast address, or not addresses at all", () => {
    for (const [ip, rule, detail] of [
      ["192.168.1.5", "ip-outside-subnet", "not an address of subnet net-1 (192.168.0.0/24)"],
      ["192.168.0.0", "ip-reserved", "the network address of subnet net-1"],
      ["192.168.0.255", "ip-reserved", "the broadcast address of subnet net-1"],
      ["192.168.000.7", "ip-outside-subnet", "not an address"],
    ] as const) {
      const dump = soundDump();
      find(dump, "fixed_ips", (r) => r.port_id === "pip-22").ip_address = ip;
      const violations = checkDump(dump, LIMITS);
      expect(violations, ip).toHaveLength(1);
      expect(violations[0]).toContain(`${rule}: port pip-22 holds`);
      expect(violations[0]).toContain(detail);
    }
  });

  it("reports a fixed IP recorded under another network or Neutron subnet than its port's", () => {
    const dump = soundDump();
    find(dump, "fixed_ips", (r) => r.port_id === "pip-22").subnet_id = "neutron-subnet-other";
    expect(rulesBroken(dump)).toEqual(["fixed-ip-network"]);
  });

  it("reports a NIC pair whose VIP no port holds any more (a dangling binding)", () => {
    const dump = soundDump();
    remove(dump, "ports", (r) => r.id === "vip-21");
    remove(dump, "fixed_ips", (r) => r.port_id === "vip-21");
    remove(dump, "address_pairs", (r) => r.port_id === "vip-21");
    expect(checkDump(dump, LIMITS)).toEqual([
      "dangling-binding: NIC nic-11 of server srv-1 has pair 192.168.0.100/fa:16:3e:00:00:11, but no port of VPC vpc-1 holds 192.168.0.100",
    ]);
  });

  it("reports a dangling binding to an address of another subnet of the same VPC", () => {
    const dump = soundDump();
    rows(dump, "subnets").push({ id: "net-2", neutron_subnet_id: "ns-2", vpc_id: VPC, cidr: "192.168.1.0/24" });
    rows(dump, "address_pairs").push({ port_id: "nic-12", ip_address: "192.168.1.9", mac_address: "x", position: 1 });
    expect(rulesBroken(dump)).toEqual(["dangling-binding"]);
  });

  it("reports a reverse pair on a VIP port naming a NIC that no longer exists", () => {
    const dump = soundDump();
    remove(dump, "ports", (r) => r.id === "nic-11");
    remove(dump, "fixed_ips", (r) => r.port_id === "nic-11");
    remove(dump, "address_pairs", (r) => r.port_id === "nic-11");
    // The server keeps a NIC so that only the reverse binding is wrong.
    addNic(dump, "nic-13", "192.168.0.4", "srv-1", 0);
    expect(checkDump(dump, LIMITS)).toEqual([
      "dangling-reverse-binding: port vip-21 (192.168.0.100) has pair 192.168.0.2/fa:16:3e:00:00:11, but no NIC of VPC vpc-1 has that IP and MAC",
    ]);
  });

  it("reports a reverse pair whose NIC address was reused by a NIC with another MAC", () => {
    const dump = soundDump();
    find(dump, "ports", (r) => r.id === "nic-11").mac_address = "fa:16:3e:aa:bb:cc";
    expect(rulesBroken(dump)).toEqual(["dangling-reverse-binding"]);
  });

  it("checks reverse pairs on unowned private-IP ports too", () => {
    const dump = soundDump();
    rows(dump, "address_pairs").push({ port_id: "pip-22", ip_address: "192.168.0.9", mac_address: "fa:16:3e:0:0:1" });
    expect(rulesBroken(dump)).toEqual(["dangling-reverse-binding"]);
  });

  it("reports a server over the NIC quota", () => {
    const dump = soundDump();
    for (let i = 1; i <= 12; i++) addNic(dump, `nic-x${i}`, `192.168.0.${10 + i}`, "srv-2", i);
    expect(checkDump(dump, LIMITS)).toEqual(["nic-quota: server srv-2 has 13 NICs, the quota is 12"]);
    remove(dump, "ports", (r) => r.id === "nic-x12");
    remove(dump, "fixed_ips", (r) => r.port_id === "nic-x12");
    expect(checkDump(dump, LIMITS)).toEqual([]);
  });

  it("reports a server without a primary NIC, or with two NICs at one index", () => {
    const dump = soundDump();
    find(dump, "ports", (r) => r.id === "nic-12").nic_index = 1;
    addNic(dump, "nic-14", "192.168.0.5", "srv-2", 1);
    rows(dump, "servers").push({ id: "srv-3", vpc_id: VPC });
    expect(checkDump(dump, LIMITS)).toEqual([
      "no-primary-nic: server srv-2 has no NIC with index 0",
      "nic-index: server srv-2 has two NICs with index 1",
      "no-primary-nic: server srv-3 has no NIC with index 0",
    ]);
  });

  it("reports a NIC in another VPC than its server's", () => {
    const dump = soundDump();
    rows(dump, "vpcs").push({ id: "vpc-2", cidr: "10.0.0.0/16" });
    find(dump, "servers", (r) => r.id === "srv-2").vpc_id = "vpc-2";
    expect(rulesBroken(dump)).toEqual(["nic-vpc"]);
  });

  it("reports rows that point at records that are gone", () => {
    const dump = soundDump();
    find(dump, "ports", (r) => r.id === "pip-22").network_id = "net-gone";
    find(dump, "fixed_ips", (r) => r.port_id === "pip-22").network_id = "net-gone";
    rows(dump, "servers").push({ id: "srv-9", vpc_id: "vpc-gone" });
    addNic(dump, "nic-19", "192.168.0.9", "srv-9", 0);
    find(dump, "ports", (r) => r.id === "nic-12").device_id = "srv-gone";
    rows(dump, "fixed_ips").push({
      port_id: "port-gone",
      network_id: NET,
      subnet_id: NEUTRON_SUBNET,
      ip_address: "192.168.0.60",
    });
    rows(dump, "address_pairs").push({
      port_id: "port-gone",
      ip_address: "10.0.0.1",
      mac_address: "fa:16:3e:00:00:99",
    });
    rows(dump, "subnets").push({ id: "net-3", neutron_subnet_id: "ns-3", vpc_id: "vpc-gone", cidr: "10.1.0.0/24" });
    const violations = checkDump(dump, LIMITS);
    expect(violations).toEqual(
      expect.arrayContaining([
        "subnet-without-vpc: subnet net-3 names VPC vpc-gone",
        "port-without-subnet: port pip-22 names network net-gone, which does not exist",
        "nic-without-server: NIC nic-12 names server srv-gone, which does not exist",
        "server-without-vpc: server srv-9 names VPC vpc-gone, which does not exist",
        "fixed-ip-without-port: 192.168.0.60 names port port-gone",
        "pair-without-port: pair 10.0.0.1/fa:16:3e:00:00:99 names port port-gone",
        "fixed-ip-network: 192.168.0.50 of port pip-22 is in network net-gone, which does not exist",
        "no-primary-nic: server srv-2 has no NIC with index 0",
      ]),
    );
    expect(violations).toHaveLength(8);
  });

  it("accepts a Neutron-made network without VPC holding two subnets, or none, with ports in it", () => {
    const dump = soundDump();
    dump.networks = [{ id: "native-1" }, { id: "native-empty" }];
    rows(dump, "subnets").push(
      { id: "ns-a", network_id: "native-1", neutron_subnet_id: "ns-a", vpc_id: null, cidr: "192.168.0.0/24" },
      { id: "ns-b", network_id: "native-1", neutron_subnet_id: "ns-b", vpc_id: null, cidr: "10.5.0.0/24" },
    );
    rows(dump, "ports").push(
      { id: "np-1", network_id: "native-1", mac_address: "fa:16:3e:00:01:01", device_owner: "", device_id: "" },
      { id: "np-2", network_id: "native-1", mac_address: "fa:16:3e:00:01:02", device_owner: "", device_id: "" },
      { id: "np-3", network_id: "native-empty", mac_address: "fa:16:3e:00:01:03", device_owner: "", device_id: "" },
    );
    rows(dump, "fixed_ips").push(
      // The same address as in the VPC subnet: another network.
      { port_id: "np-1", network_id: "native-1", subnet_id: "ns-a", ip_address: "192.168.0.2", position: 0 },
      { port_id: "np-2", network_id: "native-1", subnet_id: "ns-b", ip_address: "10.5.0.9", position: 0 },
    );
    expect(checkDump(dump, LIMITS)).toEqual([]);
    // An address recorded under a subnet of another network is wrong.
    find(dump, "fixed_ips", (row) => row.port_id === "np-2").subnet_id = NEUTRON_SUBNET;
    expect(rulesBroken(dump)).toEqual(["fixed-ip-network"]);
  });

  it("reports a subnet whose CIDR is invalid or outside its VPC", () => {
    const dump = soundDump();
    rows(dump, "subnets").push({ id: "net-4", neutron_subnet_id: "ns-4", vpc_id: VPC, cidr: "10.0.0.0/24" });
    rows(dump, "subnets").push({ id: "net-5", neutron_subnet_id: "ns-5", vpc_id: VPC, cidr: "192.168.3.7/24" });
    expect(checkDump(dump, LIMITS)).toEqual([
      "subnet-cidr: subnet net-4 (10.0.0.0/24) is outside VPC vpc-1 (192.168.0.0/16)",
      'subnet-cidr: subnet net-5 has an invalid CIDR "192.168.3.7/24"',
    ]);
  });

  it("reports a port with more address pairs than the limit", () => {
    const dump = soundDump();
    for (let i = 1; i <= 10; i++) {
      rows(dump, "address_pairs").push({ port_id: "nic-12", ip_address: `10.8.0.${i}`, mac_address: "m" });
    }
    expect(checkDump(dump, LIMITS)).toEqual(["pair-quota: port nic-12 has 11 address pairs, the limit is 10"]);
  });
});

describe("store health", () => {
  it("wants the schema at exactly the latest version", () => {
    expect(checkSchemaVersion({ current: 3, latest: 3 })).toEqual([]);
    expect(checkSchemaVersion({ current: 2, latest: 3 })).toEqual([
      expect.stringContaining("schema-version: migrations not at latest version: the database is at version 2"),
    ]);
    expect(checkSchemaVersion({ current: 4, latest: 3 })).toEqual([
      "schema-version: the database is at version 4, newer than this build (3)",
    ]);
  });

  it("passes SQLite's integrity check only when it answers ok", () => {
    expect(checkIntegrity(["ok"])).toEqual([]);
    expect(checkIntegrity(["*** in database main ***", "Page 5: btreeInitPage() returns error code 11"])).toEqual([
      "integrity-check: *** in database main ***",
      "integrity-check: Page 5: btreeInitPage() returns error code 11",
    ]);
    expect(checkIntegrity([])).toEqual(["integrity-check: no answer"]);
  });
});
