/** VPC v1 ports (`/v1/{project_id}/ports`), shaped as the official SDK's CreatePortOption / UpdatePortOption. */
const pair = {
  type: "object",
  required: ["ip_address"],
  properties: {
    ip_address: { type: "string", maxLength: 64 },
    mac_address: { type: "string", maxLength: 64 },
  },
} as const;

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
  allowed_address_pairs: { type: "array", maxItems: 1000, items: pair },
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
        fixed_ips: {
          type: "array",
          maxItems: 1,
          items: {
            type: "object",
            properties: {
              subnet_id: { type: "string", maxLength: 64 },
              ip_address: { type: "string", maxLength: 64 },
            },
          },
        },
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

export interface PairBody {
  ip_address: string;
  mac_address?: string;
}

export interface CreatePortV1Body {
  port: {
    network_id: string;
    name?: string;
    admin_state_up?: boolean;
    device_owner?: string;
    tenant_id?: string;
    fixed_ips?: { subnet_id?: string; ip_address?: string }[];
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

const stringOrList = {
  anyOf: [{ type: "string" }, { type: "array", maxItems: 1000, items: { type: "string" } }],
} as const;

export const listPortsV1QuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    name: { type: "string" },
    admin_state_up: { type: "boolean" },
    network_id: { type: "string" },
    mac_address: { type: "string" },
    device_id: { type: "string" },
    device_owner: { type: "string" },
    status: { type: "string" },
    fixed_ips: { type: "array", items: { type: "string" } },
    enterprise_project_id: { type: "string" },
    limit: { type: "integer", minimum: 0, maximum: 2000 },
    marker: { type: "string" },
  },
} as const;

export interface ListPortsV1Query {
  id?: string | string[];
  name?: string;
  admin_state_up?: boolean;
  network_id?: string;
  mac_address?: string;
  device_id?: string;
  device_owner?: string;
  status?: string;
  fixed_ips?: string[];
  limit?: number;
  marker?: string;
}
