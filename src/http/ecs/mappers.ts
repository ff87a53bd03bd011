import type { Job, Port, Server } from "../../domain/model.js";
import { primaryFixedIp } from "../../domain/ports/port-changes.js";

/** ECS timestamps carry a `Z` and no milliseconds. */
function ecsTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

export function jobBody(job: Job) {
  const subJob = (serverId: string) => ({
    status: job.status,
    entities: { server_id: serverId },
    job_id: `${job.id.slice(0, 24)}${serverId.replace(/-/g, "").slice(0, 8)}`,
    job_type: job.jobType === "createServer" ? "createSingleServer" : job.jobType,
    begin_time: ecsTime(job.beginTime),
    end_time: job.endTime ? ecsTime(job.endTime) : "",
    error_code: null,
    fail_reason: job.failReason,
  });
  return {
    status: job.status,
    entities: { sub_jobs_total: job.serverIds.length, sub_jobs: job.serverIds.map(subJob) },
    job_id: job.id,
    job_type: job.jobType,
    begin_time: ecsTime(job.beginTime),
    end_time: job.endTime ? ecsTime(job.endTime) : "",
    error_code: null,
    fail_reason: job.failReason,
  };
}

export function interfaceBody(nic: Port) {
  return {
    port_state: nic.status,
    fixed_ips: nic.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    net_id: nic.networkId,
    port_id: nic.id,
    mac_addr: nic.macAddress,
    delete_on_termination: true,
  };
}

const POWER_STATE: Record<string, number> = { ACTIVE: 1, SHUTOFF: 4 };

export function serverBody(
  server: Server,
  nics: Port[],
  projectId: string,
  securityGroups: { id: string; name: string }[] = [],
) {
  const addresses = {
    [server.vpcId]: nics.map((nic, index) => ({
      version: "4",
      addr: primaryFixedIp(nic) ?? "",
      "OS-EXT-IPS-MAC:mac_addr": nic.macAddress,
      "OS-EXT-IPS:port_id": nic.id,
      "OS-EXT-IPS:type": "fixed",
      primary: index === 0,
    })),
  };
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    addresses,
    flavor: { id: server.flavorRef, name: server.flavorRef, disk: "0", vcpus: "1", ram: "1024" },
    image: { id: server.imageRef },
    metadata: { ...server.metadata, vpc_id: server.vpcId },
    tenant_id: projectId,
    created: ecsTime(server.createdAt),
    updated: ecsTime(server.updatedAt),
    accessIPv4: "",
    accessIPv6: "",
    progress: server.status === "ACTIVE" ? 100 : 0,
    description: "",
    locked: false,
    tags: [],
    key_name: "",
    config_drive: "",
    "OS-EXT-STS:vm_state": server.status.toLowerCase(),
    "OS-EXT-STS:task_state": server.status === "BUILD" ? "spawning" : null,
    "OS-EXT-STS:power_state": POWER_STATE[server.status] ?? 0,
    "OS-EXT-AZ:availability_zone": server.availabilityZone,
    "OS-EXT-SRV-ATTR:hostname": server.name,
    "OS-DCF:diskConfig": "MANUAL",
    "os-extended-volumes:volumes_attached": [],
    security_groups: securityGroups.map((group) => ({ name: group.name, id: group.id })),
    enterprise_project_id: "0",
    sys_tags: [{ key: "_sys_enterprise_project_id", value: "0" }],
  };
}
