/** The pieces of a port body and of a port list query VPC v1 and Neutron take alike; their types follow them. */
import { stringOrList } from "./list-query.js";
import type { SchemaType } from "./schema-type.js";

/** Any JSON object (`binding:profile`). */
export const anyObject = { type: "object" } as const;

/** One allowed address pair: an address or CIDR, and optionally the MAC it is bound to. */
export const pairSchema = {
  type: "object",
  required: ["ip_address"],
  properties: {
    ip_address: { maxLength: 64, type: "string" },
    mac_address: { maxLength: 64, type: "string" },
  },
} as const;
export type PairBody = SchemaType<typeof pairSchema>;

const fixedIp = {
  type: "object",
  properties: {
    subnet_id: { maxLength: 64, type: "string" },
    ip_address: { maxLength: 64, type: "string" },
  },
} as const;
export type FixedIpBody = SchemaType<typeof fixedIp>;

/** A port's fixed IP on create: its subnet, its address, or both; one per port. */
export const fixedIpsSchema = { maxItems: 1, type: "array", items: fixedIp } as const;

/** The port list filters both services take; `fixed_ips` terms are `ip_address=…` or `subnet_id=…`. */
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
export type PortQuery = SchemaType<{ type: "object"; properties: typeof portQueryProperties }>;
