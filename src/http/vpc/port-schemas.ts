/** VPC v1 ports (`/v1/{project_id}/ports`), shaped as the official SDK's CreatePortOption / UpdatePortOption. */
import { limit } from "../shared/list-query.js";
import {
  type FixedIpBody,
  fixedIpsSchema,
  type PairBody,
  type PortQuery,
  pairSchema,
  portQueryProperties,
} from "../shared/port-schemas.js";

const extraDhcpOpt = {
  type: "object",
  required: ["opt_name"],
  properties: {
    opt_name: { type: "string", minLength: 1, maxLength: 255 },
    opt_value: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
  },
} as const;

const writable = {
  name: { type: "string", maxLength: 255 },
  allowed_address_pairs: { type: "array", maxItems: 1000, items: pairSchema },
  security_groups: { type: "array", maxItems: 100, items: { type: "string", maxLength: 64 } },
  extra_dhcp_opts: { type: "array", maxItems: 100, items: extraDhcpOpt },
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
        network_id: { type: "string", minLength: 1, maxLength: 64 },
        admin_state_up: { type: "boolean" },
        device_owner: { type: "string", maxLength: 255 },
        tenant_id: { type: "string", maxLength: 64 },
        fixed_ips: fixedIpsSchema,
        "binding:profile": { type: "object" },
        "binding:vnic_type": { type: "string" },
        port_security_enabled: { type: "boolean" },
      },
    },
  },
} as const;

export const updatePortV1Schema = {
  type: "object",
  required: ["port"],
  properties: { port: { type: "object", properties: writable } },
} as const;

export interface CreatePortV1Body {
  port: {
    network_id: string;
    name?: string;
    admin_state_up?: boolean;
    device_owner?: string;
    tenant_id?: string;
    fixed_ips?: FixedIpBody[];
    allowed_address_pairs?: PairBody[];
    extra_dhcp_opts?: { opt_name: string; opt_value?: string | null }[];
    "binding:profile"?: Record<string, unknown>;
  };
}

export interface UpdatePortV1Body {
  port: {
    name?: string;
    allowed_address_pairs?: PairBody[];
    extra_dhcp_opts?: { opt_name: string; opt_value?: string | null }[];
  };
}

export const listPortsV1QuerySchema = {
  type: "object",
  properties: {
    ...portQueryProperties,
    enterprise_project_id: { type: "string" },
    limit,
    marker: { type: "string" },
  },
} as const;

export interface ListPortsV1Query extends PortQuery {
  limit?: number;
  marker?: string;
}
