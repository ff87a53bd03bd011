import type {
  Topology,
  TopologyBinding,
  TopologyNic,
  TopologyServer,
  TopologyVpc,
} from "../../src/domain/topology/project-topology.js";

export interface NicInContext {
  vpc: TopologyVpc;
  server: TopologyServer;
  nic: TopologyNic;
  index: number;
  bindings: TopologyBinding[];
}

export function findNic(topology: Topology, portId: string): NicInContext | undefined {
  for (const vpc of topology.vpcs) {
    for (const server of vpc.servers) {
      const index = server.nics.findIndex((nic) => nic.portId === portId);
      const nic = server.nics[index];
      if (nic) return { vpc, server, nic, index, bindings: vpc.bindings.filter((b) => b.nicPortId === portId) };
    }
  }
  return undefined;
}

/** The subnet whose CIDR holds `ip`, among the VPC's subnets. */
export function subnetOfAddress(vpc: TopologyVpc, ip: string): string | undefined {
  const value = toNumber(ip);
  if (value === undefined) return undefined;
  for (const subnet of vpc.subnets) {
    const [base = "", prefixText = ""] = subnet.cidr.split("/");
    const network = toNumber(base);
    const prefix = Number(prefixText);
    if (network === undefined || !Number.isInteger(prefix)) continue;
    const size = 2 ** (32 - prefix);
    if (value >= network && value < network + size) return subnet.id;
  }
  return undefined;
}

function toNumber(ip: string): number | undefined {
  const parts = ip.trim().split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}
