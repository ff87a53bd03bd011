import type { ApiClient } from "./client.js";
import { Topology } from "./topology.js";

/** A VPC with one subnet, built through the public API (see Topology). */
export async function createNetwork(api: ApiClient, cidr = "192.168.0.0/24", vpcCidr = "192.168.0.0/16") {
  const topology = new Topology(api, api.projectId);
  const vpc = await topology.vpc({ cidr: vpcCidr });
  const subnet = await topology.subnet({ vpcId: vpc.id, cidr });
  return { vpcId: vpc.id as string, subnetId: subnet.id as string, subnet };
}

export async function waitForJob(api: ApiClient, jobId: string, timeoutMs = 10_000): Promise<any> {
  return new Topology(api, api.projectId).waitForJob(jobId, timeoutMs);
}

/** Creates `count` servers with one NIC each and waits until they are ACTIVE; returns server and NIC ids. */
export async function createServers(api: ApiClient, vpcId: string, subnetId: string, count = 1) {
  const topology = new Topology(api, api.projectId);
  const { serverIds } = await topology.activeServers({ vpcId, subnetIds: [subnetId], count });
  const servers: { serverId: string; nicId: string; ip: string; mac: string }[] = [];
  for (const serverId of serverIds) {
    const [nic] = await topology.nicsOf(serverId);
    if (!nic) throw new Error(`server ${serverId} has no NIC`);
    servers.push({ serverId, ...nic });
  }
  return servers;
}
