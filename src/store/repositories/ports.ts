import type { Port, Server, Subnet } from "../../domain/model.js";
import type { PortFilter, ReadOptions } from "../types.js";

/** Ports with their fixed IPs, allowed address pairs and security groups (read together, as one record). */
export interface PortRepository {
  insert(port: Port): Promise<void>;
  get(id: string, options?: ReadOptions): Promise<Port | undefined>;
  /**
   * The port locked (as `get` with forUpdate), with the server it is attached to (device id) and the subnet of its
   * network as they are once the lock is held: what deciding on a NIC needs, in one round trip on PostgreSQL.
   */
  lockWithContext(id: string): Promise<{ port?: Port; server?: Server; subnet?: Subnet }>;
  list(filter: PortFilter): Promise<Port[]>;
  /** The port holding `ipAddress` as a fixed IP in the network, if any. */
  getByFixedIp(networkId: string, ipAddress: string, options?: ReadOptions): Promise<Port | undefined>;
  /** Whether a port of the network already has this MAC (one indexed lookup on the unique (network, MAC) key). */
  macInUse(networkId: string, macAddress: string): Promise<boolean>;
  /** Ports of the project whose allowed_address_pairs contain the pair (any MAC when `macAddress` is omitted). */
  listWithPair(projectId: string, pair: { ipAddress: string; macAddress?: string }): Promise<Port[]>;
  /** A server's NICs (ports with a NIC index), in NIC order. */
  listNicsOfServer(serverId: string): Promise<Port[]>;
  /**
   * Replaces name, description, status, device fields, pairs, port_security_enabled, revision and updated_at of an
   * existing port (security group memberships change through `securityGroups.setPortGroups`).
   */
  update(port: Port): Promise<void>;
  /** Replaces the port's fixed IPs with `port.fixedIps` (in that order), keeping the free ranges in step. */
  setFixedIps(port: Port): Promise<void>;
  delete(id: string): Promise<void>;
}
