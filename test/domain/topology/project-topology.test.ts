import { describe, expect, it } from "vitest";
import type { Port, Server, Subnet, Vpc } from "../../../src/domain/model.js";
import { buildTopology } from "../../../src/domain/topology/project-topology.js";

const NOW = "2026-01-01T00:00:00.000Z";

const vpc: Vpc = {
  id: "vpc-1",
  projectId: "p1",
  name: "vpc-1",
  description: "",
  cidr: "192.168.0.0/16",
  status: "OK",
  createdAt: NOW,
};

function subnet(id: string, cidr: string): Subnet {
  return {
    id,
    networkId: id,
    dnsList: [],
    extraDhcpOpts: [],
    allocationPools: [],
    revisionNumber: 0,
    updatedAt: NOW,
    neutronSubnetId: `n-${id}`,
    projectId: "p1",
    vpcId: "vpc-1",
    name: id,
    description: "",
    cidr,
    gatewayIp: cidr.replace(/0\/\d+$/, "1"),
    dhcpEnable: true,
    primaryDns: "",
    secondaryDns: "",
    availabilityZone: "local-1a",
    status: "ACTIVE",
    createdAt: NOW,
  };
}

function server(id: string, name: string): Server {
  return {
    id,
    projectId: "p1",
    name,
    status: "ACTIVE",
    vpcId: "vpc-1",
    flavorRef: "f",
    imageRef: "i",
    availabilityZone: "local-1a",
    rootVolumeType: "SSD",
    rootVolumeSize: 40,
    metadata: {},
    jobId: "j",
    keyName: "",
    description: "",
    tags: [],
    userData: null,
    schedulerHints: {},
    userId: "",
    reservationId: "",
    launchIndex: 0,
    launchedAt: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

function port(id: string, ip: string, over: Partial<Port> = {}): Port {
  return {
    id,
    projectId: "p1",
    networkId: "sub-a",
    name: "",
    description: "",
    macAddress: `fa:16:3e:00:00:${id.slice(-2)}`,
    deviceOwner: "",
    deviceId: "",
    status: "ACTIVE",
    adminStateUp: true,
    fixedIps: [{ subnetId: "n-sub-a", ipAddress: ip }],
    allowedAddressPairs: [],
    securityGroupIds: [],
    extraDhcpOpts: [],
    bindingProfile: {},
    portSecurityEnabled: true,
    nicIndex: null,
    revisionNumber: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

const nic = (id: string, ip: string, serverId: string, index: number, over: Partial<Port> = {}) =>
  port(id, ip, { deviceOwner: "compute:local-1a", deviceId: serverId, nicIndex: index, ...over });

describe("the console's topology of a project", () => {
  const nicA = nic("nic-a1", "192.168.0.10", "srv-a", 0);
  const nicB = nic("nic-b1", "192.168.0.11", "srv-b", 0);
  const nicB2 = nic("nic-b2", "192.168.1.11", "srv-b", 1, {
    networkId: "sub-b",
    fixedIps: [{ subnetId: "n-sub-b", ipAddress: "192.168.1.11" }],
  });
  const vip = port("vip-01", "192.168.0.100", {
    deviceOwner: "neutron:VIP_PORT",
    // reverse pair for nic-a1 only; the pair for nic-b1 carries another MAC and is not a reverse binding
    allowedAddressPairs: [
      { ipAddress: "192.168.0.10", macAddress: nicA.macAddress },
      { ipAddress: "192.168.0.11", macAddress: "fa:16:3e:ff:ff:ff" },
    ],
  });
  const unboundVip = port("vip-02", "192.168.0.101", { deviceOwner: "neutron:VIP_PORT" });
  const privateIp = port("pip-03", "192.168.0.50");
  const privateIpUnused = port("pip-04", "192.168.0.51");
  const gateway = port("gw-05", "192.168.0.1", { deviceOwner: "network:router_interface_distributed" });
  const bound = (p: Port, pairs: [string, string][]) => ({
    ...p,
    allowedAddressPairs: pairs.map(([ipAddress, macAddress]) => ({ ipAddress, macAddress })),
  });

  const topology = buildTopology({
    projectId: "p1",
    vpcs: [vpc],
    subnets: [subnet("sub-b", "192.168.1.0/24"), subnet("sub-a", "192.168.0.0/24")],
    servers: [server("srv-b", "web-2"), server("srv-a", "web-1")],
    ports: [
      bound(nicA, [["192.168.0.100", nicA.macAddress]]),
      // nic-b1 carries the VIP with its own MAC, the private IP, and a hand-made pair with a foreign MAC
      bound(nicB, [
        ["192.168.0.100", nicB.macAddress],
        ["192.168.0.50", nicB.macAddress],
        ["192.168.0.51", "fa:16:3e:ff:ff:ff"],
        ["10.0.0.0/8", nicB.macAddress],
      ]),
      nicB2,
      vip,
      unboundVip,
      privateIp,
      privateIpUnused,
      gateway,
    ],
  });
  const [drawn] = topology.vpcs;

  it("lists subnets in address order with addresses used and free", () => {
    expect(drawn?.subnets.map((s) => [s.id, s.used, s.free])).toEqual([
      ["sub-a", 7, 247],
      ["sub-b", 1, 253],
    ]);
  });

  it("lists servers by name with their NICs in NIC order", () => {
    expect(drawn?.servers.map((s) => [s.name, s.nics.map((n) => `${n.portId}@${n.ip}`)])).toEqual([
      ["web-1", ["nic-a1@192.168.0.10"]],
      ["web-2", ["nic-b1@192.168.0.11", "nic-b2@192.168.1.11"]],
    ]);
    expect(drawn?.servers[1]?.nics[1]).toMatchObject({ subnetId: "sub-b", mac: nicB2.macAddress });
  });

  it("draws VIP ports, and private IPs only while a NIC uses them", () => {
    expect(drawn?.vips.map((v) => [v.portId, v.ip, v.deviceOwner])).toEqual([
      ["pip-03", "192.168.0.50", ""],
      ["vip-01", "192.168.0.100", "neutron:VIP_PORT"],
      ["vip-02", "192.168.0.101", "neutron:VIP_PORT"],
    ]);
  });

  it("joins each VIP to every NIC carrying it with the NIC's MAC, reverse where the VIP carries the NIC back", () => {
    expect(drawn?.bindings).toEqual([
      { vipPortId: "vip-01", vipIp: "192.168.0.100", nicPortId: "nic-a1", reverse: true },
      { vipPortId: "vip-01", vipIp: "192.168.0.100", nicPortId: "nic-b1", reverse: false },
      { vipPortId: "pip-03", vipIp: "192.168.0.50", nicPortId: "nic-b1", reverse: false },
    ]);
  });

  it("keeps VPCs apart: a VIP address in another VPC is not joined", () => {
    const other: Vpc = { ...vpc, id: "vpc-2", name: "vpc-2", cidr: "10.0.0.0/16" };
    const far = port("vip-09", "192.168.0.100", { deviceOwner: "neutron:VIP_PORT", networkId: "sub-z" });
    const result = buildTopology({
      projectId: "p1",
      vpcs: [other, vpc],
      subnets: [subnet("sub-a", "192.168.0.0/24"), { ...subnet("sub-z", "192.168.0.0/24"), vpcId: "vpc-2" }],
      servers: [server("srv-a", "web-1")],
      ports: [bound(nicA, [["192.168.0.100", nicA.macAddress]]), far],
    });
    expect(result.vpcs.map((v) => [v.name, v.vips.map((x) => x.portId), v.bindings.length])).toEqual([
      ["vpc-1", [], 0],
      ["vpc-2", ["vip-09"], 0],
    ]);
  });
});
