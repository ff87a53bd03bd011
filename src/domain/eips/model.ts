import { type Cidr, isHostAddress, parseCidr } from "../net/cidr.js";
import { formatIpv4, parseIpv4 } from "../net/ipv4.js";

/** An elastic IP: one address of the public pool, owned by a project, bound to at most one port. */
export interface Eip {
  id: string;
  projectId: string;
  publicIpAddress: string;
  type: string;
  alias: string;
  /** The port it is bound to, or null. */
  portId: string | null;
  /** Which of the bound port's fixed IPs it maps to (Neutron's `fixed_ip_address`); null: the port's first. */
  fixedIpAddress: string | null;
  bandwidthId: string;
  bandwidthName: string;
  bandwidthSize: number;
  bandwidthShareType: string;
  bandwidthChargeMode: string;
  /** Neutron's `description` (standard-attr-description); VPC v1 does not show it. */
  description: string;
  /** Neutron's `revision_number`: raised by every change. */
  revisionNumber: number;
  createdAt: string;
  updatedAt: string;
}

/** A documentation range (RFC 5737): never routed on the Internet, so nothing here can be mistaken for a real EIP. */
export const DEFAULT_EIP_POOL = "198.51.100.0/24";

/** The Neutron id of the external network EIPs come from (Huawei names it admin_external_net). */
export const EXTERNAL_NETWORK_ID = "0a2228f2-7f8a-45f1-8e09-9039e1d09975";
export const EXTERNAL_NETWORK_NAME = "admin_external_net";

export function parsePool(text: string): Cidr | undefined {
  return parseCidr(text, 8, 30);
}

export type PoolOutcome = { ok: true; ipAddress: string } | { ok: false; reason: "exhausted" | "invalid" | "in-use" };

/** The requested address if it is a free host address of the pool, else the lowest free one. */
export function takeFromPool(pool: Cidr, used: Set<string>, requested?: string): PoolOutcome {
  if (requested !== undefined) {
    const value = parseIpv4(requested);
    if (value === undefined || !isHostAddress(pool, value)) return { ok: false, reason: "invalid" };
    return used.has(requested) ? { ok: false, reason: "in-use" } : { ok: true, ipAddress: requested };
  }
  for (let address = pool.network + 1; address < pool.broadcast; address++) {
    const text = formatIpv4(address);
    if (!used.has(text)) return { ok: true, ipAddress: text };
  }
  return { ok: false, reason: "exhausted" };
}

/** EIP status as both APIs report it: ACTIVE while bound, DOWN otherwise. */
export function eipStatus(eip: Eip): "ACTIVE" | "DOWN" {
  return eip.portId === null ? "DOWN" : "ACTIVE";
}
