import { describe, expect, it } from "vitest";
import type { Port, Server, Subnet } from "../../../src/domain/model.js";
import { checkBindableNic, type Decision, decideBind, vipPortDefaults } from "../../../src/domain/vip/bind.js";
import { decideUnbind } from "../../../src/domain/vip/unbind.js";
import { CloudError } from "../../../src/errors/cloud-error.js";
import { failEcs } from "../../../src/usecases/ecs/vip-refusals.js";

const NOW = "2026-01-01T00:00:00.000Z";
const LATER = "2026-01-01T00:00:01.000Z";

function subnet(over: Partial<Subnet> = {}): Subnet {
  return {
    id: "net-1",
    networkId: "net-1",
    neutronSubnetId: "nsub-1",
    projectId: "p1",
    vpcId: "vpc-1",
    name: "s",
    description: "",
    cidr: "192.168.0.0/24",
    gatewayIp: "192.168.0.1",
    dhcpEnable: true,
    primaryDns: "",
    secondaryDns: "",
    dnsList: [],
    extraDhcpOpts: [],
    allocationPools: [],
    revisionNumber: 0,
    updatedAt: NOW,
    availabilityZone: "local-1a",
    status: "ACTIVE",
    createdAt: NOW,
    ...over,
  };
}

function port(over: Partial<Port> = {}): Port {
  return {
    id: "nic-1",
    projectId: "p1",
    networkId: "net-1",
    name: "",
    description: "",
    macAddress: "fa:16:3e:00:00:01",
    deviceOwner: "compute:local-1a",
    deviceId: "srv-1",
    status: "ACTIVE",
    adminStateUp: true,
    fixedIps: [{ subnetId: "nsub-1", ipAddress: "192.168.0.2" }],
    allowedAddressPairs: [],
    nicIndex: 0,
    revisionNumber: 0,
    createdAt: NOW,
    updatedAt: NOW,
    securityGroupIds: [],
    extraDhcpOpts: [],
    bindingProfile: {},
    portSecurityEnabled: true,
    ...over,
  };
}

const server = { id: "srv-1", projectId: "p1", status: "ACTIVE" } as Server;

/** The ECS code a refused decision is answered with (the domain gives reasons, ECS maps them); undefined if taken. */
function codeOf(decision: Decision<object, Parameters<typeof failEcs>[0]>): string | undefined {
  if (decision.ok) return undefined;
  try {
    failEcs(decision.reason);
  } catch (error) {
    if (error instanceof CloudError) return error.spec.code;
    throw error;
  }
  return undefined;
}

function taken<T extends object>(decision: Decision<T, string>): T {
  if (!decision.ok) throw new Error(`refused: ${decision.reason}`);
  return decision;
}

function bindRequest(over: Partial<Parameters<typeof decideBind>[0]> = {}) {
  return {
    projectId: "p1",
    nic: port(),
    nicSubnet: subnet(),
    targetSubnet: subnet(),
    ipAddress: "192.168.0.100",
    reverseBinding: false,
    holder: undefined,
    maxPairs: 10,
    now: LATER,
    newVipPort: (template: Pick<Port, "projectId" | "networkId" | "fixedIps">) =>
      port({ ...template, ...vipPortDefaults(), id: "vip-1", macAddress: "fa:16:3e:00:00:99" }),
    ...over,
  };
}

describe("check 2: the NIC", () => {
  it.each([
    ["missing", { nic: undefined, server }, "Ecs.0307"],
    ["in another project", { nic: port({ projectId: "p2" }), server }, "Ecs.0307"],
    ["not a server NIC", { nic: port({ deviceOwner: "neutron:VIP_PORT" }), server }, "Ecs.0085"],
    ["server gone", { nic: port(), server: undefined }, "Ecs.0114"],
    ["server building", { nic: port(), server: { ...server, status: "BUILD" as const } }, "Ecs.0100"],
  ])("%s", (_name, context, code) => {
    expect(codeOf(checkBindableNic({ projectId: "p1", ...context }))).toBe(code);
  });

  it("accepts ACTIVE and SHUTOFF servers", () => {
    for (const status of ["ACTIVE", "SHUTOFF"] as const) {
      expect(codeOf(checkBindableNic({ projectId: "p1", nic: port(), server: { ...server, status } }))).toBe(undefined);
    }
  });
});

describe("checks 3-8: bind", () => {
  it.each([
    ["subnet missing", { targetSubnet: undefined }, "Ecs.0038"],
    ["subnet of another project", { targetSubnet: subnet({ projectId: "p2" }) }, "Ecs.0038"],
    ["subnet in another VPC", { targetSubnet: subnet({ vpcId: "vpc-2" }) }, "Ecs.0014"],
    ["IP outside the CIDR", { ipAddress: "192.168.1.5" }, "Ecs.0039"],
    ["network address", { ipAddress: "192.168.0.0" }, "Ecs.0039"],
    ["broadcast address", { ipAddress: "192.168.0.255" }, "Ecs.0039"],
    ["IP held by a NIC", { holder: port({ id: "nic-2" }) }, "Ecs.0010"],
    ["IP held by DHCP", { holder: port({ deviceOwner: "network:dhcp" }) }, "Ecs.0010"],
  ])("%s", (_name, over, code) => {
    expect(codeOf(decideBind(bindRequest(over)))).toBe(code);
  });

  it("checks the subnet before the address", () => {
    expect(codeOf(decideBind(bindRequest({ targetSubnet: undefined, ipAddress: "1.1.1.1" })))).toBe("Ecs.0038");
  });

  it("creates a VIP port for a free address and pairs the NIC", () => {
    const outcome = taken(decideBind(bindRequest({ reverseBinding: true })));
    expect(outcome.vipCreated).toBe(true);
    expect(outcome.vip).toMatchObject({
      deviceOwner: "neutron:VIP_PORT",
      deviceId: "",
      status: "DOWN",
      name: "",
      fixedIps: [{ subnetId: "nsub-1", ipAddress: "192.168.0.100" }],
      allowedAddressPairs: [{ ipAddress: "192.168.0.2", macAddress: "fa:16:3e:00:00:01" }],
    });
    expect(outcome.nic.allowedAddressPairs).toEqual([{ ipAddress: "192.168.0.100", macAddress: "fa:16:3e:00:00:01" }]);
    expect(outcome.nic.updatedAt).toBe(LATER);
    expect(outcome.nic.revisionNumber).toBe(1);
  });

  it("reuses an unowned private IP and keeps its owner", () => {
    const holder = port({
      id: "ip-1",
      deviceOwner: "",
      deviceId: "",
      fixedIps: [{ subnetId: "nsub-1", ipAddress: "192.168.0.100" }],
    });
    const outcome = taken(decideBind(bindRequest({ holder })));
    expect(outcome.vipCreated).toBe(false);
    expect(outcome.vip.deviceOwner).toBe("");
    expect(outcome.vipChanged).toBe(false);
  });

  it("is idempotent: a second identical bind changes nothing", () => {
    const first = taken(decideBind(bindRequest({ reverseBinding: true })));
    const again = taken(decideBind(bindRequest({ nic: first.nic, holder: first.vip, reverseBinding: true })));
    expect(again).toMatchObject({ nicChanged: false, vipChanged: false, vipCreated: false });
    expect(again.nic.updatedAt).toBe(first.nic.updatedAt);
  });

  it("rejects the 11th pair on the NIC", () => {
    const pairs = Array.from({ length: 10 }, (_, i) => ({
      ipAddress: `10.0.0.${i + 1}`,
      macAddress: "fa:16:3e:00:00:01",
    }));
    expect(codeOf(decideBind(bindRequest({ nic: port({ allowedAddressPairs: pairs }) })))).toBe("Ecs.0213");
  });

  it("rejects the 11th reverse pair on the VIP port", () => {
    const pairs = Array.from({ length: 10 }, (_, i) => ({
      ipAddress: `192.168.0.${i + 10}`,
      macAddress: "fa:16:3e:00:00:0a",
    }));
    const holder = port({ id: "vip-1", deviceOwner: "neutron:VIP_PORT", deviceId: "", allowedAddressPairs: pairs });
    expect(codeOf(decideBind(bindRequest({ holder, reverseBinding: true })))).toBe("Ecs.0213");
    expect(codeOf(decideBind(bindRequest({ holder, reverseBinding: false })))).toBe(undefined);
  });
});

describe("unbind", () => {
  const vip = port({
    id: "vip-1",
    deviceOwner: "neutron:VIP_PORT",
    deviceId: "",
    macAddress: "fa:16:3e:00:00:99",
    fixedIps: [{ subnetId: "nsub-1", ipAddress: "192.168.0.100" }],
    allowedAddressPairs: [
      { ipAddress: "192.168.0.2", macAddress: "fa:16:3e:00:00:01" },
      { ipAddress: "192.168.0.3", macAddress: "fa:16:3e:00:00:02" },
    ],
  });

  it("removes VIP pairs from the NIC, keeps hand-set ones, and removes the NIC from the VIP", () => {
    const nic = port({
      allowedAddressPairs: [
        { ipAddress: "192.168.0.100", macAddress: "fa:16:3e:00:00:01" },
        { ipAddress: "172.16.0.9", macAddress: "fa:16:3e:00:00:01" },
      ],
    });
    const outcome = decideUnbind({ nic, pairHolders: [vip], reverseHolders: [vip], now: LATER });
    expect(outcome.nic.allowedAddressPairs).toEqual([{ ipAddress: "172.16.0.9", macAddress: "fa:16:3e:00:00:01" }]);
    expect(outcome.vips).toHaveLength(1);
    expect(outcome.vips[0]?.allowedAddressPairs).toEqual([
      { ipAddress: "192.168.0.3", macAddress: "fa:16:3e:00:00:02" },
    ]);
  });

  it("an unbound NIC changes nothing", () => {
    const outcome = decideUnbind({ nic: port(), pairHolders: [], reverseHolders: [], now: LATER });
    expect(outcome.nicChanged).toBe(false);
    expect(outcome.vips).toEqual([]);
  });

  it("never touches ports that are not VIP-capable", () => {
    const otherNic = port({
      id: "nic-9",
      allowedAddressPairs: [{ ipAddress: "192.168.0.2", macAddress: "fa:16:3e:00:00:01" }],
    });
    const outcome = decideUnbind({ nic: port(), pairHolders: [], reverseHolders: [otherNic], now: LATER });
    expect(outcome.vips).toEqual([]);
  });
});
