import { limit, stringOrList } from "../shared/list-query.js";
import {
  type FixedIpBody,
  fixedIpsSchema,
  type PairBody,
  type PortQuery,
  pairSchema,
  portQueryProperties,
} from "../shared/port-schemas.js";

const writable = {
  name: { type: "string", maxLength: 255 },
  description: { type: "string", maxLength: 255 },
  allowed_address_pairs: { type: "array", maxItems: 1000, items: pairSchema },
  security_groups: { type: "array", maxItems: 10, items: { type: "string", minLength: 1, maxLength: 64 } },
  extra_dhcp_opts: {
    type: "array",
    maxItems: 100,
    items: {
      type: "object",
      required: ["opt_name", "opt_value"],
      properties: {
        opt_name: { type: "string", minLength: 1, maxLength: 255 },
        opt_value: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }] },
        ip_version: { enum: [4, 6] },
      },
    },
  },
  port_security_enabled: { type: "boolean" },
  "binding:profile": { type: "object" },
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
        network_id: { type: "string", minLength: 1, maxLength: 64 },
        admin_state_up: { type: "boolean" },
        device_owner: { enum: ["", "neutron:VIP_PORT"] },
        fixed_ips: fixedIpsSchema,
      },
    },
  },
} as const;

export const updatePortSchema = {
  type: "object",
  required: ["port"],
  properties: { port: { type: "object", minProperties: 1, properties: writable } },
} as const;

export interface CreatePortBody {
  port: {
    network_id: string;
    name?: string;
    description?: string;
    admin_state_up?: boolean;
    device_owner?: "" | "neutron:VIP_PORT";
    fixed_ips?: FixedIpBody[];
    allowed_address_pairs?: PairBody[];
    security_groups?: string[];
    port_security_enabled?: boolean;
    extra_dhcp_opts?: DhcpOptionBody[];
    "binding:profile"?: Record<string, unknown>;
  };
}

export interface DhcpOptionBody {
  opt_name: string;
  opt_value?: string | null;
  ip_version?: number;
}

export interface UpdatePortBody {
  port: {
    name?: string;
    description?: string;
    allowed_address_pairs?: PairBody[];
    security_groups?: string[];
    port_security_enabled?: boolean;
    extra_dhcp_opts?: DhcpOptionBody[];
    "binding:profile"?: Record<string, unknown>;
  };
}

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

export interface ListPortsQuery extends PortQuery {
  project_id?: string;
  tenant_id?: string;
  security_groups?: string | string[];
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
}
