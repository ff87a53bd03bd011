import type { Eip } from "../domain/eips/model.js";
import type { Page, ReadOptions } from "./store.js";

export interface EipFilter {
  ids?: string[];
  portId?: string;
  publicIpAddress?: string;
  page?: Page;
}

/** Elastic IPs. Part of `Tx`. */
export interface EipTx {
  insertEip(eip: Eip): Promise<void>;
  getEip(id: string, options?: ReadOptions): Promise<Eip | undefined>;
  /** A project's EIPs by id. */
  listEips(projectId: string, filter: EipFilter): Promise<Eip[]>;
  /** Every address taken from the pool, by any project. */
  usedEipAddresses(): Promise<Set<string>>;
  /** Replaces alias, port_id and updated_at. */
  updateEip(eip: Eip): Promise<void>;
  deleteEip(id: string): Promise<void>;
  /** Unbinds whatever EIP is bound to the port (part of removing a port); returns how many were unbound. */
  unbindEipsOfPort(portId: string, now: string): Promise<number>;
}
