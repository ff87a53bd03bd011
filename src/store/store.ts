import type { AuditFilter, AuditRecord } from "../domain/audit.js";
import type { AddressRange } from "../domain/ipam/subnet-addresses.js";
import type {
  AccessKey,
  Account,
  AddressPair,
  GroupGrant,
  Job,
  Network,
  Port,
  Project,
  Server,
  Subnet,
  User,
  UserGroup,
  Vpc,
} from "../domain/model.js";
import type { ProjectUsage } from "../domain/quotas/quotas.js";
import type { ChangeFeed } from "./change-feed.js";
import type { EipTx } from "./eips.js";
import type { RouterTx } from "./routers.js";
import type { SecurityGroupTx } from "./security-groups.js";

export interface Page {
  limit: number;
  /** Id of the last item of the previous page; items sort by id. */
  marker?: string;
  /** Neutron's page_reverse: the `limit` items before the marker (the last ones without), still in id order. */
  reverse?: boolean;
}

export interface PortFilter {
  projectId: string;
  ids?: string[];
  name?: string;
  networkId?: string;
  deviceId?: string;
  deviceOwner?: string;
  macAddress?: string;
  ipAddress?: string;
  /** Ports with a fixed IP whose text contains this (Neutron's ip-substring-filtering). */
  ipAddressSubstring?: string;
  /** Neutron subnet id of a fixed IP. */
  fixedIpSubnetId?: string;
  status?: string;
  adminStateUp?: boolean;
  /** Ports in any of these security groups. */
  securityGroupIds?: string[];
  page?: Page;
}

export interface SubnetFilter {
  vpcId?: string;
  /** Only VPC v1 subnets (leave out subnets created through Neutron, which belong to no VPC). */
  vpcOnly?: boolean;
  page: Page;
}

export interface NetworkFilter {
  name?: string;
  ids?: string[];
  page?: Page;
}

export interface ReadOptions {
  /** Lock the row for the rest of the transaction (SELECT … FOR UPDATE where the store has row locks). */
  forUpdate?: boolean;
}

/** One unit of work. Every method runs inside the transaction that `Store.write`/`Store.read` opened. */
export interface Tx extends SecurityGroupTx, EipTx, RouterTx {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  insertAccount(account: Account): Promise<void>;
  getAccountByName(name: string): Promise<Account | undefined>;
  insertUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  getUserByName(accountId: string, name: string): Promise<User | undefined>;
  insertProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  /** Project names are unique in the whole store. */
  getProjectByName(name: string): Promise<Project | undefined>;
  listProjects(accountId: string, filter: { name?: string; id?: string }): Promise<Project[]>;
  insertAccessKey(key: AccessKey): Promise<void>;
  getAccessKey(accessKey: string): Promise<AccessKey | undefined>;
  // Identity and security: keys listed (all, or one user's), resealed under the master key, deleted.
  listAccessKeys(userId?: string): Promise<AccessKey[]>;
  updateAccessKeySecret(accessKey: string, secretKey: string): Promise<void>;
  /** True when the key existed. */
  deleteAccessKey(accessKey: string): Promise<boolean>;
  /** Replaces a key's status and description. */
  updateAccessKey(key: AccessKey): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  listUsers(accountId: string, filter: { name?: string; enabled?: boolean }): Promise<User[]>;
  /** Replaces name, password hash, enabled and description. */
  updateUser(user: User): Promise<void>;
  /** Deletes the user with its access keys and group memberships. */
  deleteUser(id: string): Promise<void>;
  insertGroup(group: UserGroup): Promise<void>;
  getGroup(id: string): Promise<UserGroup | undefined>;
  listGroups(accountId: string, filter: { name?: string }): Promise<UserGroup[]>;
  listGroupsOfUser(userId: string): Promise<UserGroup[]>;
  /** Idempotent. */
  addGroupMember(groupId: string, userId: string): Promise<void>;
  /** Idempotent. */
  grantRole(grant: GroupGrant): Promise<void>;
  /** True when the grant existed. */
  revokeRole(grant: GroupGrant): Promise<boolean>;
  hasGrant(grant: GroupGrant): Promise<boolean>;
  /** Role ids the user holds on the project through its groups. */
  rolesOfUserOnProject(userId: string, projectId: string): Promise<string[]>;
  revokeToken(tokenHash: string, expiresAt: string, now: string): Promise<void>;
  isTokenRevoked(tokenHash: string): Promise<boolean>;
  /** A counter every change of users, keys, groups, memberships, grants or revoked tokens raises. */
  identityRevision(): Promise<number>;
  /** The audit trail (kept out of `dump`: recording a refusal is not a change to the cloud's state). */
  insertAudit(records: readonly AuditRecord[]): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Deletes records older than `before`; answers how many. */
  pruneAudit(before: string): Promise<number>;

  insertVpc(vpc: Vpc): Promise<void>;
  getVpc(id: string, options?: ReadOptions): Promise<Vpc | undefined>;
  listVpcs(projectId: string, page: Page): Promise<Vpc[]>;
  deleteVpc(id: string): Promise<void>;
  /** Replaces name, description and CIDR. */
  updateVpc(vpc: Vpc): Promise<void>;

  insertSubnet(subnet: Subnet): Promise<void>;
  getSubnet(id: string, options?: ReadOptions): Promise<Subnet | undefined>;
  /** By the id Neutron shows (`fixed_ips[].subnet_id`, `/v2.0/subnets/{id}`). */
  getSubnetByNeutronId(neutronSubnetId: string, options?: ReadOptions): Promise<Subnet | undefined>;
  listSubnets(projectId: string, filter: SubnetFilter): Promise<Subnet[]>;
  listSubnetsOfVpc(vpcId: string): Promise<Subnet[]>;
  /** Replaces name, description, DHCP flag, DNS servers, DHCP options, allocation pools, revision and updated_at. */
  updateSubnet(subnet: Subnet): Promise<void>;
  /** Deletes the subnet row only: its ports are removed first, one by one (see usecases/shared/remove-port). */
  deleteSubnet(id: string): Promise<void>;

  insertNetwork(network: Network): Promise<void>;
  getNetwork(id: string, options?: ReadOptions): Promise<Network | undefined>;
  listNetworks(projectId: string, filter: NetworkFilter): Promise<Network[]>;
  /** Replaces name, description, admin state, port-security default, status, revision and updated_at. */
  updateNetwork(network: Network): Promise<void>;
  deleteNetwork(id: string): Promise<void>;
  listSubnetsOfNetwork(networkId: string): Promise<Subnet[]>;

  insertPort(port: Port): Promise<void>;
  getPort(id: string, options?: ReadOptions): Promise<Port | undefined>;
  /**
   * The port locked (as `getPort` with forUpdate), with the server it is attached to (device id) and the subnet of
   * its network as they are once the lock is held: what deciding on a NIC needs, in one round trip on PostgreSQL.
   */
  lockPortWithContext(id: string): Promise<{ port?: Port; server?: Server; subnet?: Subnet }>;
  listPorts(filter: PortFilter): Promise<Port[]>;
  /** The port holding `ipAddress` as a fixed IP in the network, if any. */
  getPortByFixedIp(networkId: string, ipAddress: string, options?: ReadOptions): Promise<Port | undefined>;
  /**
   * The free addresses of a subnet (by its Neutron subnet id) as ranges ending at or after `from`, lowest first, at
   * most `limit`: one indexed seek, whatever the subnet holds. The store keeps them in step with every fixed IP it
   * writes or deletes (ports inserted and deleted, subnets created and deleted) in the same transaction.
   */
  freeRanges(subnetId: string, from: number, limit: number): Promise<AddressRange[]>;
  /** Whether a port of the network already has this MAC (one indexed lookup on the unique (network, MAC) key). */
  macInUse(networkId: string, macAddress: string): Promise<boolean>;
  /** Ports of the project whose allowed_address_pairs contain the pair (any MAC when `macAddress` is omitted). */
  listPortsWithPair(projectId: string, pair: { ipAddress: string; macAddress?: string }): Promise<Port[]>;
  /**
   * Replaces name, description, status, device fields, pairs, port_security_enabled, revision and updated_at of an
   * existing port (security group memberships change through `setPortSecurityGroups`).
   */
  updatePort(port: Port): Promise<void>;
  /** Replaces the port's fixed IPs with `port.fixedIps` (in that order), keeping the free ranges in step. */
  setPortFixedIps(port: Port): Promise<void>;
  deletePort(id: string): Promise<void>;

  insertServer(server: Server): Promise<void>;
  getServer(id: string, options?: ReadOptions): Promise<Server | undefined>;
  updateServer(server: Server): Promise<void>;
  deleteServer(id: string): Promise<void>;
  listServerNics(serverId: string): Promise<Port[]>;
  /** A project's servers by creation time (then id), optionally by exact name and status. */
  listServers(projectId: string, filter: { name?: string; status?: string }): Promise<Server[]>;

  insertJob(job: Job): Promise<void>;
  getJob(id: string): Promise<Job | undefined>;
  /** Replaces a job's outcome: status, end time and failure reason. */
  updateJob(job: Job): Promise<void>;
  /** A creation written in several units of work: the job's servers so far, and when it falls due. */
  updateJobProgress(id: string, serverIds: string[], readyAt: string): Promise<void>;
  listDueJobs(now: string, limit: number): Promise<Job[]>;

  /** What a project holds, counted for its quotas. */
  projectUsage(projectId: string): Promise<ProjectUsage>;
  /** Every subnet, server and port of every project, by id: what the data plane lays on the wire. */
  listNetworkState(): Promise<NetworkState>;

  /** Every row of every table in a stable order: for invariant checks and "nothing changed" assertions. */
  dump(): Promise<Record<string, Record<string, unknown>[]>>;
}

export interface NetworkState {
  subnets: Subnet[];
  servers: Server[];
  ports: Port[];
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Which ports, servers and subnets each committed write touched, with its revision (see change-feed.ts). */
  readonly changes: ChangeFeed;
  /** Runs `work` in one read-write transaction: it commits completely or not at all, retried on conflicts. */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one read-only transaction with a consistent snapshot. With `single`, the work runs exactly one
   * statement, which is its own snapshot: PostgreSQL then sends it alone, without BEGIN and COMMIT (one round trip
   * instead of three); a second statement fails.
   */
  read<T>(work: (tx: Tx) => Promise<T>, options?: { single?: boolean }): Promise<T>;
  /** Latest schema version this build knows, and the version the database is at. */
  schemaVersion(): Promise<{ current: number; latest: number }>;
  close(): Promise<void>;
}

export type { AddressPair };
