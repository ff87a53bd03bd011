import type { Eip } from "../../domain/eips/model.js";
import type { EipFilter, ReadOptions } from "../types.js";

/** Elastic IPs. */
export interface EipRepository {
  insert(eip: Eip): Promise<void>;
  get(id: string, options?: ReadOptions): Promise<Eip | undefined>;
  /** A project's EIPs by id. */
  list(projectId: string, filter: EipFilter): Promise<Eip[]>;
  /** Every address taken from the pool, by any project. */
  usedAddresses(): Promise<Set<string>>;
  /** Replaces alias, port_id, fixed_ip_address, description, revision_number and updated_at. */
  update(eip: Eip): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Unbinds whatever EIP is bound to the port (part of removing a port), raising its revision; returns how many were
   * unbound.
   */
  unbindFromPort(portId: string, now: string): Promise<number>;
}
