import { defaultAllocationPools } from "../../domain/ipam/allocation-pools.js";
import type {
  AddressPair,
  FixedIp,
  Job,
  JobStatus,
  Network,
  Port,
  Server,
  ServerStatus,
  Subnet,
  Vpc,
} from "../../domain/model.js";
import { parseCidr } from "../../domain/net/cidr.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string => String(value ?? "");
const integer = (value: unknown): number => Number(value);

export function vpcFromRow(row: Row): Vpc {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    name: text(row.name),
    description: text(row.description),
    cidr: text(row.cidr),
    status: text(row.status),
    createdAt: text(row.created_at),
  };
}

export function networkFromRow(row: Row): Network {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    vpcId: row.vpc_id === null || row.vpc_id === undefined ? null : text(row.vpc_id),
    name: text(row.name),
    description: text(row.description),
    adminStateUp: integer(row.admin_state_up) === 1,
    portSecurityEnabled: row.port_security_enabled === undefined || integer(row.port_security_enabled) === 1,
    status: text(row.status),
    revisionNumber: integer(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/** Pools stored as JSON; NULL (subnets from before pools were stored) means the default pools. */
function poolsOf(row: Row): Subnet["allocationPools"] {
  if (row.allocation_pools !== null && row.allocation_pools !== undefined) {
    return JSON.parse(text(row.allocation_pools)) as Subnet["allocationPools"];
  }
  const cidr = parseCidr(text(row.cidr));
  return cidr ? defaultAllocationPools(cidr, text(row.gateway_ip)) : [];
}

export function subnetFromRow(row: Row): Subnet {
  return {
    id: text(row.id),
    networkId: text(row.network_id),
    neutronSubnetId: text(row.neutron_subnet_id),
    projectId: text(row.project_id),
    vpcId: row.vpc_id === null || row.vpc_id === undefined ? null : text(row.vpc_id),
    name: text(row.name),
    description: text(row.description),
    cidr: text(row.cidr),
    gatewayIp: text(row.gateway_ip),
    allocationPools: poolsOf(row),
    dhcpEnable: integer(row.dhcp_enable) === 1,
    primaryDns: text(row.primary_dns),
    secondaryDns: text(row.secondary_dns),
    dnsList: JSON.parse(text(row.dns_list) || "[]") as string[],
    extraDhcpOpts: JSON.parse(text(row.extra_dhcp_opts) || "[]") as Subnet["extraDhcpOpts"],
    availabilityZone: text(row.availability_zone),
    status: text(row.status),
    revisionNumber: row.revision_number === undefined ? 0 : integer(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at ?? row.created_at),
  };
}

export function portFromRow(
  row: Row,
  fixedIps: FixedIp[],
  pairs: AddressPair[],
  securityGroupIds: string[] = [],
): Port {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    networkId: text(row.network_id),
    name: text(row.name),
    description: text(row.description),
    macAddress: text(row.mac_address),
    deviceOwner: text(row.device_owner),
    deviceId: text(row.device_id),
    status: text(row.status),
    adminStateUp: integer(row.admin_state_up) === 1,
    nicIndex: row.nic_index === null || row.nic_index === undefined ? null : integer(row.nic_index),
    revisionNumber: integer(row.revision_number),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
    fixedIps,
    allowedAddressPairs: pairs,
    securityGroupIds,
    portSecurityEnabled: row.port_security_enabled === undefined || integer(row.port_security_enabled) === 1,
    extraDhcpOpts: JSON.parse(text(row.extra_dhcp_opts ?? "[]")) as Port["extraDhcpOpts"],
    bindingProfile: JSON.parse(text(row.binding_profile ?? "{}")) as Port["bindingProfile"],
  };
}

export function serverFromRow(row: Row): Server {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    name: text(row.name),
    status: text(row.status) as ServerStatus,
    vpcId: text(row.vpc_id),
    flavorRef: text(row.flavor_ref),
    imageRef: text(row.image_ref),
    availabilityZone: text(row.availability_zone),
    rootVolumeType: text(row.root_volume_type),
    rootVolumeSize: integer(row.root_volume_size),
    metadata: JSON.parse(text(row.metadata)) as Record<string, string>,
    jobId: text(row.job_id),
    keyName: text(row.key_name),
    description: text(row.description),
    tags: JSON.parse(text(row.tags ?? "[]")) as string[],
    userData: row.user_data === null || row.user_data === undefined ? null : text(row.user_data),
    schedulerHints: JSON.parse(text(row.scheduler_hints ?? "{}")) as Record<string, unknown>,
    userId: text(row.user_id),
    reservationId: text(row.reservation_id),
    launchIndex: row.launch_index === undefined ? 0 : integer(row.launch_index),
    launchedAt: row.launched_at === null || row.launched_at === undefined ? null : text(row.launched_at),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

export function jobFromRow(row: Row): Job {
  return {
    id: text(row.id),
    projectId: text(row.project_id),
    jobType: text(row.job_type),
    status: text(row.status) as JobStatus,
    serverIds: JSON.parse(text(row.server_ids)) as string[],
    nicIds: JSON.parse(text(row.nic_ids ?? "[]")) as string[],
    beginTime: text(row.begin_time),
    endTime: row.end_time === null || row.end_time === undefined ? null : text(row.end_time),
    readyAt: text(row.ready_at),
    failReason: row.fail_reason === null || row.fail_reason === undefined ? null : text(row.fail_reason),
  };
}
