import { limit, stringOrList } from "../shared/list-query.js";
import { anyObject, pairSchema, portQueryProperties } from "../shared/port-schemas.js";
import type { SchemaType } from "../shared/schema-type.js";
import { listControlsSchema } from "./collection.js";

const dhcpOption = {
  type: "object",
  required: ["opt_name", "opt_value"],
  properties: {
    opt_name: { minLength: 1, maxLength: 255, type: "string" },
    opt_value: { anyOf: [{ maxLength: 255, type: "string" }, { type: "null" }] },
    ip_version: { enum: [4, 6] },
  },
} as const;

const writable = {
  name: { maxLength: 255, type: "string" },
  description: { maxLength: 255, type: "string" },
  allowed_address_pairs: { maxItems: 1000, type: "array", items: pairSchema },
  security_groups: { maxItems: 10, type: "array", items: { minLength: 1, maxLength: 64, type: "string" } },
  extra_dhcp_opts: { maxItems: 100, type: "array", items: dhcpOption },
  port_security_enabled: { type: "boolean" },
  "binding:profile": anyObject,
  "binding:vnic_type": { type: "string" },
} as const;

/** Neutron's fixed IPs: several per port, each by subnet, by address or both. */
const fixedIpsSchema = {
  type: "array",
  maxItems: 20,
  items: {
    type: "object",
    properties: { subnet_id: { type: "string", maxLength: 64 }, ip_address: { type: "string", maxLength: 64 } },
  },
} as const;
export type FixedIpsBody = SchemaType<typeof fixedIpsSchema>;

const portCreatable = {
  type: "object",
  required: ["network_id"],
  properties: {
    ...writable,
    network_id: { minLength: 1, maxLength: 64, type: "string" },
    admin_state_up: { type: "boolean" },
    device_owner: { enum: ["", "neutron:VIP_PORT"] },
    mac_address: { maxLength: 64, type: "string" },
    fixed_ips: fixedIpsSchema,
    project_id: { maxLength: 64, type: "string" },
    tenant_id: { maxLength: 64, type: "string" },
  },
} as const;
export type PortCreatable = SchemaType<typeof portCreatable>;

/** One port, or several (Neutron's bulk create: every one or none). */
export const createPortSchema = {
  type: "object",
  properties: {
    port: portCreatable,
    ports: { type: "array", minItems: 1, maxItems: 100, items: portCreatable },
  },
  anyOf: [{ required: ["port"] }, { required: ["ports"] }],
} as const;
export interface CreatePortBody {
  port?: PortCreatable;
  ports?: PortCreatable[];
}

export const updatePortSchema = {
  type: "object",
  required: ["port"],
  properties: {
    port: {
      minProperties: 1,
      type: "object",
      properties: { ...writable, admin_state_up: { type: "boolean" }, fixed_ips: fixedIpsSchema },
    },
  },
} as const;
export type UpdatePortBody = SchemaType<typeof updatePortSchema>;

export const listPortsQuerySchema = {
  type: "object",
  properties: {
    ...portQueryProperties,
    project_id: { type: "string" },
    tenant_id: { type: "string" },
    security_groups: stringOrList,
    limit,
    marker: { type: "string" },
    page_reverse: { type: "boolean" },
    sort_key: listControlsSchema.sort_key,
    sort_dir: listControlsSchema.sort_dir,
    changed_since: { type: "string", maxLength: 64 },
    fields: stringOrList,
  },
} as const;
export type ListPortsQuery = SchemaType<typeof listPortsQuerySchema>;
