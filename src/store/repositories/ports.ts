import type { Port, Server, Subnet } from "../../domain/model.js";
import type { AddressHolder } from "../../domain/vip/unbind.js";
import type { PortFilter, ReadOptions } from "../types.js";

/** What binding a virtual IP to a NIC decides on (what exists of it). */
export interface BindInput {
  nic?: Port;
  /** The server the NIC is attached to (its device id). */
  server?: Server;
  /** The subnet of the NIC's network. */
  nicSubnet?: Subnet;
  /** The subnet the request names. */
  targetSubnet?: Subnet;
  /** The port holding the address in the target subnet's network, when that subnet is the caller's. */
  holder?: Port;
}

/** What unbinding a NIC's virtual IPs decides on (what exists of it). */
export interface UnbindInput {
  nic?: Port;
  server?: Server;
  nicSubnet?: Subnet;
  /** Ports of the NIC's VPC and project holding an address of the NIC's pairs: owner and that address each. */
  pairHolders: AddressHolder[];
  /** Ports of the project whose pairs hold the NIC's own IP and MAC (the NIC itself included if it does). */
  reverseHolders: Port[];
}

/** A port as this unit of work read it (locked) and as it is to be written. */
export interface PortChange {
  before: Port;
  after: Port;
}

/** Ports with their fixed IPs, allowed address pairs and security groups (read together, as one record). */
export interface PortRepository {
  insert(port: Port): Promise<void>;
  /**
   * `insert`, unless a port of the network holds the port's MAC already: then nothing is written and the answer is
   * false (the caller tries another MAC), where `insert` fails on the unique (network, MAC) key.
   */
  insertUnlessMacTaken(port: Port): Promise<boolean>;
  get(id: string, options?: ReadOptions): Promise<Port | undefined>;
  /**
   * Everything binding `ipAddress` of subnet `subnetId` to the NIC decides on, in one statement, as it is once the
   * NIC and the holder are locked (in that order: the NIC first, as every bind and unbind locks).
   */
  lockBindInput(nicId: string, target: { projectId: string; subnetId: string; ipAddress: string }): Promise<BindInput>;
  /** Everything unbinding the NIC's virtual IPs decides on, in one statement: the NIC and the reverse holders locked. */
  lockUnbindInput(nicId: string, projectId: string): Promise<UnbindInput>;
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
  /**
   * `update` for several ports read in this unit of work, writing only what differs from `before`: the rows in one
   * statement, pairs deleted, moved and inserted by difference (each kind one statement for all the ports).
   */
  updateChanged(changes: readonly PortChange[]): Promise<void>;
  /** Replaces the port's fixed IPs with `port.fixedIps` (in that order), keeping the free ranges in step. */
  setFixedIps(port: Port): Promise<void>;
  delete(id: string): Promise<void>;
}
