import { parseCidr } from "../../src/domain/net/cidr.js";
import { formatIpv4 } from "../../src/domain/net/ipv4.js";

/** Anything that sends a request to the API and reads the answer: a socket client or the in-process app. */
export interface Caller {
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
}

export interface CreatedServers {
  jobId: string;
  serverIds: string[];
}

export interface Nic {
  nicId: string;
  ip: string;
  mac: string;
}

let names = 0;
/** VPC names are unique per project in the cloud, so every builder call gets its own unless the test names one. */
function uniqueName(prefix: string): string {
  names += 1;
  return `${prefix}-${names}`;
}

/**
 * The one way tests build a topology (VPCs, subnets, servers, NICs, VIPs, private IPs, VIP ports): through the public
 * API, as a user would, over whichever transport the test uses. Every step that must work throws with the answer when
 * it does not, so a broken world fails where it was built, not in the assertion that relies on it.
 */
export class Topology {
  constructor(
    private readonly caller: Caller,
    readonly projectId: string,
    /** Sent with every call, e.g. another project's token. */
    private readonly headers: Record<string, string> = {},
  ) {}

  p(path: string): string {
    return `/v1/${this.projectId}${path}`;
  }

  /** The answer whatever it is; for steps a caller may expect to fail (a world repair, say). */
  async attempt(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.caller.call(method, url, body, this.headers);
  }

  async must(method: string, url: string, body?: unknown): Promise<any> {
    const response = await this.attempt(method, url, body);
    if (response.status >= 300) {
      throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  async vpc(options: { cidr?: string; name?: string } = {}): Promise<any> {
    const body = { vpc: { name: options.name ?? uniqueName("vpc"), cidr: options.cidr ?? "192.168.0.0/16" } };
    return (await this.must("POST", this.p("/vpcs"), body)).vpc;
  }

  /** A subnet whose gateway is its first host address unless given. */
  async subnet(options: { vpcId: string; cidr: string; gateway?: string; name?: string }): Promise<any> {
    const body = {
      subnet: {
        name: options.name ?? uniqueName("subnet"),
        cidr: options.cidr,
        gateway_ip: options.gateway ?? firstHost(options.cidr),
        vpc_id: options.vpcId,
      },
    };
    return (await this.must("POST", this.p("/subnets"), body)).subnet;
  }

  /** Starts a create job for `count` servers with one NIC per listed subnet; does not wait for it. */
  async createServers(options: {
    vpcId: string;
    subnetIds: string[];
    count?: number;
    name?: string;
  }): Promise<CreatedServers> {
    const created = await this.must("POST", this.p("/cloudservers"), {
      server: {
        name: options.name ?? "srv",
        imageRef: "image-1",
        flavorRef: "s6.small.1",
        vpcid: options.vpcId,
        nics: options.subnetIds.map((subnetId) => ({ subnet_id: subnetId })),
        root_volume: { volumetype: "SSD" },
        ...(options.count === undefined ? {} : { count: options.count }),
      },
    });
    return { jobId: created.job_id, serverIds: created.serverIds };
  }

  /** Polls a job until it ends; returns the job. */
  async waitForJob(jobId: string, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.must("GET", this.p(`/jobs/${jobId}`));
      if (job.status === "SUCCESS" || job.status === "FAIL") return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Servers that are ACTIVE: created, and their job waited for. */
  async activeServers(options: {
    vpcId: string;
    subnetIds: string[];
    count?: number;
    name?: string;
  }): Promise<CreatedServers> {
    const created = await this.createServers(options);
    const job = await this.waitForJob(created.jobId);
    if (job.status !== "SUCCESS") throw new Error(`job ${created.jobId} ended ${JSON.stringify(job)}`);
    return created;
  }

  async nicsOf(serverId: string): Promise<Nic[]> {
    const attachments = (await this.must("GET", this.p(`/cloudservers/${serverId}/os-interface`)))
      .interfaceAttachments as any[];
    return attachments.map((nic) => ({ nicId: nic.port_id, ip: nic.fixed_ips[0].ip_address, mac: nic.mac_addr }));
  }

  async addNic(serverId: string, subnetId: string): Promise<void> {
    await this.must("POST", this.p(`/cloudservers/${serverId}/nics`), { nics: [{ subnet_id: subnetId }] });
  }

  /** Binds a VIP to a NIC through the seed API. */
  async bindVip(nicId: string, subnetId: string, ipAddress: string, reverseBinding = false): Promise<void> {
    await this.must("PUT", this.p(`/cloudservers/nics/${nicId}`), {
      nic: { subnet_id: subnetId, ip_address: ipAddress, reverse_binding: reverseBinding },
    });
  }

  /** A private IP (a VIP port made through VPC v1); the lowest free address unless one is given. */
  async privateIp(subnetId: string, ipAddress?: string): Promise<any> {
    const body = { privateips: [{ subnet_id: subnetId, ...(ipAddress ? { ip_address: ipAddress } : {}) }] };
    return (await this.must("POST", this.p("/privateips"), body)).privateips[0];
  }

  /** An unbound `neutron:VIP_PORT` port made through Neutron. */
  async vipPort(networkId: string): Promise<any> {
    return (
      await this.must("POST", "/v2.0/ports", { port: { network_id: networkId, device_owner: "neutron:VIP_PORT" } })
    ).port;
  }

  /** The id of the port that holds `ipAddress` among the project's ports, if any. */
  async portAt(ipAddress: string): Promise<string | undefined> {
    const ports = (await this.must("GET", "/v2.0/ports")).ports as any[];
    return ports.find((port) => port.fixed_ips[0]?.ip_address === ipAddress)?.id;
  }
}

function firstHost(cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`not a CIDR: ${cidr}`);
  return formatIpv4(parsed.network + 1);
}
