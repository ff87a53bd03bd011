import type { ApiClient } from "./client.js";

/** Builds a VPC, a subnet and running servers through the public API, as a user would. */
let vpcs = 0;

/** A VPC name no other VPC of the test run has: names are unique in a project (VPC.0115). */
export function uniqueVpcName(prefix = "vpc-test"): string {
  vpcs += 1;
  return `${prefix}-${vpcs}`;
}

export async function createNetwork(api: ApiClient, cidr = "192.168.0.0/24", vpcCidr = "192.168.0.0/16") {
  const vpc = await api.call("POST", api.p("/vpcs"), { vpc: { name: uniqueVpcName(), cidr: vpcCidr } });
  if (vpc.status !== 200) throw new Error(`create vpc: ${vpc.status} ${JSON.stringify(vpc.body)}`);
  const gateway = cidr.replace(/\.0\/\d+$/, ".1");
  const subnet = await api.call("POST", api.p("/subnets"), {
    subnet: { name: "subnet-test", cidr, gateway_ip: gateway, vpc_id: vpc.body.vpc.id },
  });
  if (subnet.status !== 200) throw new Error(`create subnet: ${subnet.status} ${JSON.stringify(subnet.body)}`);
  return {
    vpcId: vpc.body.vpc.id as string,
    subnetId: subnet.body.subnet.id as string,
    subnet: subnet.body.subnet,
  };
}

export async function waitForJob(api: ApiClient, jobId: string, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api.call("GET", api.p(`/jobs/${jobId}`));
    if (job.body.status === "SUCCESS" || job.body.status === "FAIL") return job.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates `count` servers with one NIC each and waits until they are ACTIVE; returns server and NIC ids. */
export async function createServers(api: ApiClient, vpcId: string, subnetId: string, count = 1) {
  const created = await api.call("POST", api.p("/cloudservers"), {
    server: {
      name: "srv",
      imageRef: "image-1",
      flavorRef: "s6.small.1",
      vpcid: vpcId,
      nics: [{ subnet_id: subnetId }],
      root_volume: { volumetype: "SSD" },
      count,
    },
  });
  if (created.status !== 200) throw new Error(`create servers: ${created.status} ${JSON.stringify(created.body)}`);
  await waitForJob(api, created.body.job_id);
  const servers: { serverId: string; nicId: string; ip: string; mac: string }[] = [];
  for (const serverId of created.body.serverIds as string[]) {
    const nics = await api.call("GET", api.p(`/cloudservers/${serverId}/os-interface`));
    const nic = nics.body.interfaceAttachments[0];
    servers.push({ serverId, nicId: nic.port_id, ip: nic.fixed_ips[0].ip_address, mac: nic.mac_addr });
  }
  return servers;
}
