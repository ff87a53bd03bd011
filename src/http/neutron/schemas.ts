import { limit, stringOrList } from "../shared/list-query.js";
import { anyObject, fixedIpsSchema, pairSchema, portQueryProperties } from "../shared/port-schemas.js";
import type { SchemaType } from "../shared/schema-type.js";

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

export const createPortSchema = {
  type: "object",
  required: ["port"],
  properties: {
    port: {
      type: "object",
      required: ["network_id"],
      properties: {
        ...writable,
        network_id: { minLength: 1, maxLength: 64, type: "string" },
        admin_state_up: { type: "boolean" },
        device_owner: { enum: ["", "neutron:VIP_PORT"] },
        fixed_ips: fixedIpsSchema,
      },
    },
  },
} as const;
export type CreatePortBody = SchemaType<typeof createPortSchema>;

export const updatePortSchema = {
  type: "object",
  required: ["port"],
  properties: { port: { minProperties: 1, type: "object", properties: writable } },
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
  },
} as const;
export type ListPortsQuery = SchemaType<typeof listPortsQuerySchema>;
