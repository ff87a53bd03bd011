/** VPC v1 ports (`/v1/{project_id}/ports`), shaped as the official SDK's CreatePortOption / UpdatePortOption. */

import { limit } from "../shared/list-query.js";
import { anyObject, fixedIpsSchema, pairSchema, portQueryProperties } from "../shared/port-schemas.js";
import type { SchemaType } from "../shared/schema-type.js";

const extraDhcpOpt = {
  type: "object",
  required: ["opt_name"],
  properties: {
    opt_name: { minLength: 1, maxLength: 255, type: "string" },
    opt_value: { anyOf: [{ maxLength: 255, type: "string" }, { type: "null" }] },
  },
} as const;

const writable = {
  name: { maxLength: 255, type: "string" },
  allowed_address_pairs: { maxItems: 1000, type: "array", items: pairSchema },
  security_groups: { maxItems: 100, type: "array", items: { maxLength: 64, type: "string" } },
  extra_dhcp_opts: { maxItems: 100, type: "array", items: extraDhcpOpt },
} as const;

export const createPortV1Schema = {
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
        device_owner: { maxLength: 255, type: "string" },
        tenant_id: { maxLength: 64, type: "string" },
        fixed_ips: fixedIpsSchema,
        "binding:profile": anyObject,
        "binding:vnic_type": { type: "string" },
        port_security_enabled: { type: "boolean" },
      },
    },
  },
} as const;
export type CreatePortV1Body = SchemaType<typeof createPortV1Schema>;

export const updatePortV1Schema = {
  type: "object",
  required: ["port"],
  properties: { port: { type: "object", properties: writable } },
} as const;
export type UpdatePortV1Body = SchemaType<typeof updatePortV1Schema>;

export const listPortsV1QuerySchema = {
  type: "object",
  properties: {
    ...portQueryProperties,
    enterprise_project_id: { type: "string" },
    limit,
    marker: { type: "string" },
  },
} as const;
export type ListPortsV1Query = SchemaType<typeof listPortsV1QuerySchema>;
