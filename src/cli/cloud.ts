import type { SignedClient } from "./api-client.js";
import { OperationalError } from "./failure.js";

/** The cloud's resources as the API shows them (only the fields the CLI reads). */
export interface CloudVpc {
  id: string;
  name: string;
  cidr: string;
  status: string;
}
export interface CloudSubnet {
  id: string;
  name: string;
  vpc_id: string;
  cidr: string;
  gateway_ip: string;
  status: string;
}
export interface CloudPort {
  id: string;
  name: string;
  network_id: string;
  device_owner: string;
  device_id: string;
  mac_address: string;
  status: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  allowed_address_pairs: { ip_address: string; mac_address?: string }[];
}
export interface CloudServer {
  id: string;
  name: string;
  status: string;
  created: string;
  availability_zone?: string;
  flavor: { id: string };
  image: { id: string };
  metadata: Record<string, string>;
  addresses: Record<string, { addr: string; "OS-EXT-IPS:port_id": string; primary?: boolean }[]>;
  "OS-EXT-AZ:availability_zone"?: string;
}
export interface CloudNic {
  port_id: string;
  net_id: string;
  mac_addr: string;
  port_state: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}
export interface NicSpec {
  subnetId: string;
  ipAddress?: string;
}

const PAGE = 1000;

/** Every item of a marker-paged list (VPC v1 and Neutron). */
async function allByMarker<T extends { id: string }>(
  fetchPage: (query: Record<string, string | number | undefined>) => Promise<T[]>,
): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetchPage({ limit: PAGE, marker });
    items.push(...page);
    if (page.length < PAGE) return items;
    marker = page[page.length - 1]?.id;
  }
}

export const listVpcs = (client: SignedClient) =>
  allByMarker(
    async (query) => (await client.call<{ vpcs: CloudVpc[] }>("GET", "/v1/{project_id}/vpcs", { query })).vpcs,
  );

export async function createVpc(client: SignedClient, vpc: { name: string; cidr: string; description?: string }) {
  return (await client.call<{ vpc: CloudVpc }>("POST", "/v1/{project_id}/vpcs", { body: { vpc } })).vpc;
}

export async function deleteVpc(client: SignedClient, id: string): Promise<void> {
  await client.call("DELETE", `/v1/{project_id}/vpcs/${encodeURIComponent(id)}`);
}

export const listSubnets = (client: SignedClient, vpcId?: string) =>
  allByMarker(
    async (query) =>
      (
        await client.call<{ subnets: CloudSubnet[] }>("GET", "/v1/{project_id}/subnets", {
          query: { ...query, vpc_id: vpcId },
        })
      ).subnets,
  );

export async function showSubnet(client: SignedClient, id: string): Promise<CloudSubnet> {
  return (await client.call<{ subnet: CloudSubnet }>("GET", `/v1/{project_id}/subnets/${encodeURIComponent(id)}`))
    .subnet;
}

export async function createSubnet(
  client: SignedClient,
  subnet: { name: string; vpc_id: string; cidr: string; gateway_ip: string },
): Promise<CloudSubnet> {
  return (await client.call<{ subnet: CloudSubnet }>("POST", "/v1/{project_id}/subnets", { body: { subnet } })).subnet;
}

export async function deleteSubnet(client: SignedClient, id: string): Promise<void> {
  const subnet = await showSubnet(client, id);
  await client.call(
    "DELETE",
    `/v1/{project_id}/vpcs/${encodeURIComponent(subnet.vpc_id)}/subnets/${encodeURIComponent(id)}`,
  );
}

/** Polls an ECS job until it ends; a failed job is an error. */
export async function waitForJob(client: SignedClient, jobId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.call<{ status: string; fail_reason?: string | null }>(
      "GET",
      `/v1/{project_id}/jobs/${encodeURIComponent(jobId)}`,
    );
    if (job.status === "SUCCESS") return;
    if (job.status === "FAIL")
      throw new OperationalError(`job ${jobId} failed: ${job.fail_reason ?? "no reason given"}`);
    if (Date.now() > deadline) throw new OperationalError(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function createServers(
  client: SignedClient,
  input: {
    name: string;
    vpcId: string;
    nics: NicSpec[];
    count: number;
    flavorRef: string;
    imageRef: string;
    volumeType: string;
  },
): Promise<{ jobId: string; serverIds: string[] }> {
  const answer = await client.call<{ job_id: string; serverIds: string[] }>("POST", "/v1/{project_id}/cloudservers", {
    body: {
      server: {
        name: input.name,
        imageRef: input.imageRef,
        flavorRef: input.flavorRef,
        vpcid: input.vpcId,
        nics: input.nics.map((nic) =>
          nic.ipAddress === undefined
            ? { subnet_id: nic.subnetId }
            : { subnet_id: nic.subnetId, ip_address: nic.ipAddress },
        ),
        root_volume: { volumetype: input.volumeType },
        count: input.count,
      },
    },
  });
  return { jobId: answer.job_id, serverIds: answer.serverIds };
}

export async function listServers(client: SignedClient, filter: { name?: string } = {}): Promise<CloudServer[]> {
  const servers: CloudServer[] = [];
  for (let page = 1; ; page++) {
    const answer = await client.call<{ servers: CloudServer[] }>("GET", "/v1/{project_id}/cloudservers/detail", {
      query: { limit: PAGE, offset: page, name: filter.name },
    });
    servers.push(...answer.servers);
    if (answer.servers.length < PAGE) return servers;
  }
}

export async function showServer(client: SignedClient, id: string): Promise<CloudServer> {
  return (await client.call<{ server: CloudServer }>("GET", `/v1/{project_id}/cloudservers/${encodeURIComponent(id)}`))
    .server;
}

export async function deleteServers(client: SignedClient, ids: string[]): Promise<string> {
  const answer = await client.call<{ job_id: string }>("POST", "/v1/{project_id}/cloudservers/delete", {
    body: { servers: ids.map((id) => ({ id })), delete_publicip: false, delete_volume: true },
  });
  return answer.job_id;
}

export async function listNics(client: SignedClient, serverId: string): Promise<CloudNic[]> {
  return (
    await client.call<{ interfaceAttachments: CloudNic[] }>(
      "GET",
      `/v1/{project_id}/cloudservers/${encodeURIComponent(serverId)}/os-interface`,
    )
  ).interfaceAttachments;
}

export async function showPort(client: SignedClient, id: string): Promise<CloudPort> {
  return (await client.call<{ port: CloudPort }>("GET", `/v2.0/ports/${encodeURIComponent(id)}`)).port;
}

export const listPorts = (client: SignedClient, filter: Record<string, string | undefined> = {}) =>
  allByMarker(
    async (query) =>
      (await client.call<{ ports: CloudPort[] }>("GET", "/v2.0/ports", { query: { ...filter, ...query } })).ports,
  );

/** Binds `ip` to the NIC (in the NIC's own subnet unless one is given); answers the VIP port's id. */
export async function bindVip(
  client: SignedClient,
  nicId: string,
  ip: string,
  options: { subnetId?: string; reverse?: boolean } = {},
): Promise<string> {
  const subnetId = options.subnetId ?? (await showPort(client, nicId)).network_id;
  const nic: Record<string, unknown> = { subnet_id: subnetId, ip_address: ip };
  if (options.reverse) nic.reverse_binding = true;
  // The cloud answers the NIC's port id; the VIP port is the one holding the address in that network.
  await client.call("PUT", `/v1/{project_id}/cloudservers/nics/${encodeURIComponent(nicId)}`, { body: { nic } });
  const [vipPort] = await listPorts(client, { network_id: subnetId, fixed_ips: `ip_address=${ip}` });
  return vipPort?.id ?? "";
}

export async function unbindVip(client: SignedClient, nicId: string): Promise<void> {
  await client.call("PUT", `/v1/{project_id}/cloudservers/nics/${encodeURIComponent(nicId)}`, {
    body: { nic: { subnet_id: "", ip_address: "" } },
  });
}

export interface VipBinding {
  ip: string;
  vip_port_id: string;
  nic_port_id: string;
  server_id: string;
  server_name: string;
  reverse: boolean;
}

/**
 * Every binding of a virtual IP to a NIC: a NIC holding the pair {address, its own MAC} where a VIP-capable port
 * (a `neutron:VIP_PORT` or an unowned private IP) of the same network holds that address. Reverse when the VIP port
 * holds the pair {the NIC's address, the NIC's MAC}.
 */
export async function listVipBindings(client: SignedClient): Promise<VipBinding[]> {
  const [ports, servers] = await Promise.all([listPorts(client), listServers(client)]);
  const serverNames = new Map(servers.map((server) => [server.id, server.name]));
  const vipPorts = new Map<string, CloudPort>();
  for (const port of ports) {
    if (port.device_owner !== "" && port.device_owner !== "neutron:VIP_PORT") continue;
    for (const fixed of port.fixed_ips) vipPorts.set(`${port.network_id} ${fixed.ip_address}`, port);
  }
  const bindings: VipBinding[] = [];
  for (const nic of ports) {
    if (!nic.device_owner.startsWith("compute:")) continue;
    const nicIps = new Set(nic.fixed_ips.map((fixed) => fixed.ip_address));
    for (const pair of nic.allowed_address_pairs) {
      if (pair.mac_address !== undefined && pair.mac_address !== nic.mac_address) continue;
      const vip = vipPorts.get(`${nic.network_id} ${pair.ip_address}`);
      if (!vip) continue;
      bindings.push({
        ip: pair.ip_address,
        vip_port_id: vip.id,
        nic_port_id: nic.id,
        server_id: nic.device_id,
        server_name: serverNames.get(nic.device_id) ?? "",
        reverse: vip.allowed_address_pairs.some(
          (back) => nicIps.has(back.ip_address) && (back.mac_address ?? nic.mac_address) === nic.mac_address,
        ),
      });
    }
  }
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return bindings.sort(
    (a, b) => compareIp(a.ip, b.ip) || text(a.server_name, b.server_name) || text(a.nic_port_id, b.nic_port_id),
  );
}

function compareIp(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
