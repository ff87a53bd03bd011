/** The cloud's records, as the domain reasons about them. Plain data: no behaviour, no I/O. */

export interface Account {
  id: string;
  name: string;
}

export interface User {
  id: string;
  accountId: string;
  name: string;
  passwordHash: string;
  /** A disabled user can neither log in nor use its keys or tokens (default true). */
  enabled?: boolean;
  description?: string;
  createdAt?: string;
}

export interface Project {
  id: string;
  accountId: string;
  name: string;
  description: string;
}

export interface AccessKey {
  accessKey: string;
  secretKey: string;
  userId: string;
  /** An inactive key signs nothing (default active). */
  status?: "active" | "inactive";
  description?: string;
  createdAt?: string;
}

/** An IAM user group: roles are granted to groups on projects, users inherit them by membership. */
export interface UserGroup {
  id: string;
  accountId: string;
  name: string;
  description: string;
  createdAt: string;
}

/** A role granted to a group on one project. */
export interface GroupGrant {
  groupId: string;
  projectId: string;
  roleId: string;
}

export interface Vpc {
  id: string;
  projectId: string;
  name: string;
  description: string;
  cidr: string;
  status: string;
  createdAt: string;
}

/**
 * A Neutron network. A VPC v1 subnet is one network with one subnet, both created together under the same id;
 * a network created through Neutron belongs to no VPC and may hold no subnet at all.
 */
export interface Network {
  id: string;
  projectId: string;
  /** The VPC of a VPC v1 subnet's network; null for a network created through Neutron. */
  vpcId: string | null;
  name: string;
  description: string;
  adminStateUp: boolean;
  /** What ports created on the network without `port_security_enabled` get. */
  portSecurityEnabled: boolean;
  status: string;
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
}

/** An inclusive range automatic allocation takes addresses from. */
export interface AllocationPool {
  start: string;
  end: string;
}

export interface Subnet {
  /** The VPC v1 subnet id; for a VPC v1 subnet it is also the id of its Neutron network. */
  id: string;
  /** The network the subnet belongs to; ports of the subnet sit in this network. */
  networkId: string;
  /** The Neutron subnet id; appears only inside ports' `fixed_ips[].subnet_id`. */
  neutronSubnetId: string;
  projectId: string;
  /** The VPC of a VPC v1 subnet; null for a subnet created through Neutron (it sits in a network of no VPC). */
  vpcId: string | null;
  name: string;
  description: string;
  cidr: string;
  gatewayIp: string;
  /** Where automatic addresses come from (a requested address may be any host address of the CIDR). */
  allocationPools: AllocationPool[];
  dhcpEnable: boolean;
  primaryDns: string;
  secondaryDns: string;
  /** Every DNS server of the subnet, in order (the first two are also primary and secondary DNS). */
  dnsList: string[];
  extraDhcpOpts: DhcpOption[];
  availabilityZone: string;
  status: string;
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
}

/** A DHCP option of a subnet (`ntp`, `addresstime`, …). */
export interface DhcpOption {
  optName: string;
  optValue: string;
}

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export interface AddressPair {
  ipAddress: string;
  macAddress: string;
}

export interface Port {
  id: string;
  projectId: string;
  networkId: string;
  name: string;
  description: string;
  macAddress: string;
  deviceOwner: string;
  deviceId: string;
  status: string;
  adminStateUp: boolean;
  fixedIps: FixedIp[];
  allowedAddressPairs: AddressPair[];
  /** Position among a server's NICs (0 = primary); null for ports that are not server NICs. */
  nicIndex: number | null;
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
  /** Ids of the security groups the port is a member of, in the order they were given. */
  securityGroupIds: string[];
  /** Neutron's port-security switch: off, the port may carry no security groups (and no filtering applies). */
  portSecurityEnabled: boolean;
  /** DHCP options of the port (`extra_dhcp_opts`), stored and answered as given. */
  extraDhcpOpts: PortDhcpOption[];
  /** `binding:profile`, stored and answered as given. */
  bindingProfile: Record<string, unknown>;
}

/** A port's DHCP option: `opt_name`, `opt_value`, optionally `ip_version`. */
export interface PortDhcpOption {
  optName: string;
  optValue: string;
  ipVersion?: number;
}

export type ServerStatus = "BUILD" | "ACTIVE" | "SHUTOFF" | "ERROR" | "DELETED";

export interface Server {
  id: string;
  projectId: string;
  name: string;
  status: ServerStatus;
  vpcId: string;
  flavorRef: string;
  imageRef: string;
  availabilityZone: string;
  rootVolumeType: string;
  rootVolumeSize: number;
  metadata: Record<string, string>;
  jobId: string;
  /** Given at create and shown back as given. */
  keyName: string;
  description: string;
  /** `key.value` strings, as the create request gives them. */
  tags: string[];
  /** Base64 user data, or null. */
  userData: string | null;
  /** `os:scheduler_hints` of the create request. */
  schedulerHints: Record<string, unknown>;
  /** The IAM user that created the server. */
  userId: string;
  /** Shared by the servers of one create request (`r-` and 8 characters), and the server's place among them. */
  reservationId: string;
  launchIndex: number;
  /** When the server first became ACTIVE; null while it builds. */
  launchedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type JobStatus = "INIT" | "RUNNING" | "SUCCESS" | "FAIL";

export interface Job {
  id: string;
  projectId: string;
  jobType: string;
  status: JobStatus;
  serverIds: string[];
  /** The NICs a NIC job added or removed (each one sub-job with `nic_id`); empty for server jobs. */
  nicIds: string[];
  beginTime: string;
  endTime: string | null;
  /** When a RUNNING job may be completed (ISO time); lets any process finish it, also after a restart. */
  readyAt: string;
  failReason: string | null;
}

export const VIP_DEVICE_OWNER = "neutron:VIP_PORT";
export const COMPUTE_OWNER_PREFIX = "compute:";

/** Owners whose addresses may be bound as virtual IPs: unowned private IPs and VIP ports. */
export function isVipCapableOwner(deviceOwner: string): boolean {
  return deviceOwner === "" || deviceOwner === VIP_DEVICE_OWNER;
}

export function isServerNic(port: Port): boolean {
  return port.deviceOwner.startsWith(COMPUTE_OWNER_PREFIX);
}
