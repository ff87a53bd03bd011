/** The pieces of a port body and of a port list query VPC v1 and Neutron take alike. */
import { stringOrList } from "./list-query.js";

/** One allowed address pair: an address or CIDR, and optionally the MAC it is bound to. */
export const pairSchema = {
  type: "object",
  required: ["ip_address"],
  properties: {
    ip_address: { type: "string", maxLength: 64 },
    mac_address: { type: "string", maxLength: 64 },
  },
} as const;

export interface PairBody {
  ip_address: string;
  mac_address?: string;
}

/** A port's fixed IP on create: its subnet, its address, or both; one per port. */
export const fixedIpsSchema = {
  type: "array",
  maxItems: 1,
  items: {
    type: "object",
    properties: {
      subnet_id: { type: "string", maxLength: 64 },
      ip_address: { type: "string", maxLength: 64 },
    },
  },
} as const;

export interface FixedIpBody {
  subnet_id?: string;
  ip_address?: string;
}

/** The port list filters both services take (see `PortQuery`). */
export const portQueryProperties = {
  id: stringOrList,
  name: { type: "string" },
  network_id: { type: "string" },
  device_id: { type: "string" },
  device_owner: { type: "string" },
  mac_address: { type: "string" },
  status: { type: "string" },
  admin_state_up: { type: "boolean" },
  fixed_ips: { type: "array", items: { type: "string" } },
} as const;
