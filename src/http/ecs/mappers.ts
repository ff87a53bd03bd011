import { createHash } from "node:crypto";
import type { Job, Port, Server } from "../../domain/model.js";
import { primaryFixedIp } from "../../domain/ports/port-changes.js";

/** ECS timestamps carry a `Z` and no milliseconds. */
function ecsTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/**
 * A job with one sub-job per server it created or changed, or, for a NIC job, one per NIC added or removed, whose
 * entities name the NIC (`nic_id`) and its server.
 */
export function jobBody(job: Job) {
  const serverId = job.serverIds[0];
  const subJobs =
    job.nicIds.length > 0
      ? job.nicIds.map((nicId) => subJob(job, nicId, { server_id: serverId, nic_id: nicId }))
      : job.serverIds.map((id) => subJob(job, id, { server_id: id }));
  return {
    status: job.status,
    entities: {
      ...(job.nicIds.length > 0 ? { server_id: serverId } : {}),
      sub_jobs_total: subJobs.length,
      sub_jobs: subJobs,
    },
    job_id: job.id,
    job_type: job.jobType,
    begin_time: ecsTime(job.beginTime),
    end_time: job.endTime ? ecsTime(job.endTime) : "",
    error_code: null,
    fail_reason: job.failReason,
  };
}

function subJob(job: Job, subjectId: string, entities: Record<string, string | undefined>) {
  return {
    status: job.status,
    entities,
    job_id: `${job.id.slice(0, 24)}${subjectId.replace(/-/g, "").slice(0, 8)}`,
    job_type: job.jobType === "createServer" ? "createSingleServer" : job.jobType,
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

/** The one host every server of this endpoint runs on. */
const HOST = "ecs-vip";

/** `2019-05-22T03:23:59.000000`: the usage extension's time format (microseconds, no zone). */
function usageTime(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 19)}.${iso.slice(20, 23).padEnd(3, "0")}000`;
}

/** Nova's hostId: a hash of the project and the host, the same for every server of a project on one host. */
function hostIdOf(projectId: string): string {
  return createHash("sha224").update(`${projectId}${HOST}`).digest("hex");
}

/** The metadata keys the cloud sets on every server, then the caller's own (which cannot replace `vpc_id`). */
function serverMetadata(server: Server): Record<string, string> {
  return {
    charging_mode: "0",
    "metering.image_id": server.imageRef,
    "metering.imagetype": "gold",
    "metering.resourcespeccode": `${server.flavorRef}.linux`,
    "metering.resourcetype": "1",
    image_name: server.imageRef,
    os_bit: "64",
    os_type: "Linux",
    ...server.metadata,
    vpc_id: server.vpcId,
  };
}

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
    metadata: serverMetadata(server),
    tenant_id: projectId,
    user_id: server.userId,
    hostId: hostIdOf(projectId),
    host_status: "UP",
    created: ecsTime(server.createdAt),
    updated: ecsTime(server.updatedAt),
    accessIPv4: "",
    accessIPv6: "",
    progress: server.status === "ACTIVE" ? 100 : 0,
    description: server.description,
    locked: false,
    tags: server.tags,
    key_name: server.keyName,
    config_drive: "",
    "OS-EXT-STS:vm_state": server.status.toLowerCase(),
    "OS-EXT-STS:task_state": server.status === "BUILD" ? "spawning" : null,
    "OS-EXT-STS:power_state": POWER_STATE[server.status] ?? 0,
    "OS-EXT-AZ:availability_zone": server.availabilityZone,
    "OS-EXT-SRV-ATTR:hostname": server.name,
    "OS-EXT-SRV-ATTR:host": HOST,
    "OS-EXT-SRV-ATTR:hypervisor_hostname": HOST,
    "OS-EXT-SRV-ATTR:instance_name": `instance-${server.id.replace(/-/g, "").slice(0, 8)}`,
    "OS-EXT-SRV-ATTR:reservation_id": server.reservationId,
    "OS-EXT-SRV-ATTR:launch_index": server.launchIndex,
    "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
    "OS-EXT-SRV-ATTR:kernel_id": "",
    "OS-EXT-SRV-ATTR:ramdisk_id": "",
    "OS-EXT-SRV-ATTR:user_data": server.userData,
    "OS-SRV-USG:launched_at": usageTime(server.launchedAt),
    "OS-SRV-USG:terminated_at": null,
    "os:scheduler_hints": server.schedulerHints,
    "OS-DCF:diskConfig": "MANUAL",
    "os-extended-volumes:volumes_attached": [],
    security_groups: securityGroups.map((group) => ({ name: group.name, id: group.id })),
    enterprise_project_id: "0",
    sys_tags: [{ key: "_sys_enterprise_project_id", value: "0" }],
  };
}
