import { describe, expect, it } from "vitest";
import type { Port, Server, Subnet } from "../../../src/domain/model.js";
import { dataplaneNames } from "../../../src/domain/portsec/names.js";
import { renderRules } from "../../../src/domain/portsec/rules-plan.js";
import { planWire } from "../../../src/domain/portsec/wire-planner.js";

const T = "2024-01-01T00:00:00.000Z";
const names = dataplaneNames("evt");

function subnet(id: string, cidr: string, gatewayIp: string): Subnet {
  return {
    id,
    networkId: id,
    dnsList: [],
    extraDhcpOpts: [],
    allocationPools: [],
    revisionNumber: 0,
    updatedAt: T,
    neutronSubnetId: `${id}-n`,
    projectId: "p",
    vpcId: "v",
    name: id,
    description: "",
    cidr,
    gatewayIp,
    dhcpEnable: true,
    primaryDns: "",
    secondaryDns: "",
    availabilityZone: "az",
    status: "ACTIVE",
    createdAt: T,
  };
}

function port(id: string, networkId: string, ip: string, mac: string, fields: Partial<Port> = {}): Port {
  return {
    id,
    projectId: "p",
    networkId,
    name: "",
    description: "",
    macAddress: mac,
    deviceOwner: "",
    deviceId: "",
    status: "ACTIVE",
    adminStateUp: true,
    fixedIps: [{ subnetId: `${networkId}-n`, ipAddress: ip }],
    allowedAddressPairs: [],
    securityGroupIds: [],
    extraDhcpOpts: [],
    bindingProfile: {},
    portSecurityEnabled: true,
    nicIndex: null,
    revisionNumber: 0,
    createdAt: T,
    updatedAt: T,
    ...fields,
  };
}

function server(id: string, status: Server["status"]): Server {
  return {
    id,
    projectId: "p",
    name: id,
    status,
    vpcId: "v",
    flavorRef: "f",
    imageRef: "i",
    availabilityZone: "az",
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
    createdAt: T,
    updatedAt: T,
  };
}

const nic = (id: string, serverId: string, index: number, networkId: string, ip: string, mac: string) =>
  port(id, networkId, ip, mac, { deviceOwner: "compute:az", deviceId: serverId, nicIndex: index });

describe("wire plan", () => {
  const subnets = [subnet("s1", "10.0.0.0/24", "10.0.0.1"), subnet("s2", "10.0.1.0/26", "10.0.1.1")];
  const gateway = port("gw1", "s1", "10.0.0.1", "fa:16:3e:aa:aa:01", {
    deviceOwner: "network:router_interface_distributed",
  });

  it("lays no wire for a Neutron-made subnet (no VPC, no server can sit in it)", () => {
    const native = { ...subnet("n1", "10.9.0.0/24", "10.9.0.1"), vpcId: null, networkId: "native-net" };
    const plan = planWire({ subnets: [...subnets, native], servers: [], ports: [gateway] }, names);
    expect(plan.segments.map((segment) => segment.subnetId)).toEqual(["s1", "s2"]);
  });

  it("one bridge and gateway per subnet; a server per namespace with eth0, eth1 in NIC order; several NICs", () => {
    const plan = planWire(
      {
        subnets,
        servers: [server("a", "ACTIVE")],
        ports: [
          gateway,
          nic("n2", "a", 1, "s2", "10.0.1.5", "fa:16:3e:00:00:02"),
          nic("n1", "a", 0, "s1", "10.0.0.5", "fa:16:3e:00:00:01"),
        ],
      },
      names,
    );
    expect(plan.dataplaneNamespace).toBe("evt-dp");
    expect(plan.segments.map((s) => [s.bridge, s.gatewayAddress, s.gatewayMac])).toEqual([
      [names.bridge("s1"), "10.0.0.1/24", "fa:16:3e:aa:aa:01"],
      [names.bridge("s2"), "10.0.1.1/26", expect.stringMatching(/^02:/)],
    ]);
    expect(plan.servers).toEqual([
      {
        serverId: "a",
        namespace: "evt-srv-a",
        up: true,
        defaultGateway: "10.0.0.1",
        nics: [
          {
            portId: "n1",
            link: names.nicLink("n1"),
            ifname: "eth0",
            mac: "fa:16:3e:00:00:01",
            address: "10.0.0.5/24",
            bridge: names.bridge("s1"),
          },
          {
            portId: "n2",
            link: names.nicLink("n2"),
            ifname: "eth1",
            mac: "fa:16:3e:00:00:02",
            address: "10.0.1.5/26",
            bridge: names.bridge("s2"),
          },
        ],
      },
    ]);
    expect(renderRules(plan.rules)).toContain(`jump nic_${names.nicLink("n1")}`);
    expect(renderRules(plan.rules)).toContain(`jump nic_${names.nicLink("n2")}`);
  });

  it("BUILD has no namespace yet, SHUTOFF keeps it with links down, VIP ports and private IPs have no link", () => {
    const vip = port("vip", "s1", "10.0.0.100", "fa:16:3e:00:00:64", {
      deviceOwner: "neutron:VIP_PORT",
      allowedAddressPairs: [{ ipAddress: "10.0.0.5", macAddress: "fa:16:3e:00:00:01" }],
    });
    const plan = planWire(
      {
        subnets,
        servers: [server("a", "SHUTOFF"), server("b", "BUILD")],
        ports: [
          gateway,
          vip,
          port("priv", "s1", "10.0.0.50", "fa:16:3e:00:00:32"),
          nic("n1", "a", 0, "s1", "10.0.0.5", "fa:16:3e:00:00:01"),
          nic("n3", "b", 0, "s1", "10.0.0.6", "fa:16:3e:00:00:03"),
        ],
      },
      names,
    );
    expect(plan.servers.map((s) => [s.serverId, s.up, s.nics.length])).toEqual([["a", false, 1]]);
    // Reverse pairs live on the VIP port, which has no link: they add no rule of their own.
    expect(renderRules(plan.rules)).not.toContain(names.nicLink("vip"));
    expect(renderRules(plan.rules)).not.toContain(names.nicLink("n3"));
  });

  it("a bound VIP appears in the NIC's chain (the forward pair), not before", () => {
    const unbound = nic("n1", "a", 0, "s1", "10.0.0.5", "fa:16:3e:00:00:01");
    const bound = { ...unbound, allowedAddressPairs: [{ ipAddress: "10.0.0.100", macAddress: "fa:16:3e:00:00:01" }] };
    const rows = (p: Port) => ({ subnets, servers: [server("a", "ACTIVE")], ports: [gateway, p] });
    expect(renderRules(planWire(rows(unbound), names).rules)).not.toContain("10.0.0.100");
    expect(renderRules(planWire(rows(bound), names).rules)).toContain("ip saddr 10.0.0.100 accept");
  });
});
