import { listControlsSchema } from "./collection.js";

const pair = {
  type: "object",
  required: ["ip_address"],
  properties: {
    ip_address: { type: "string", maxLength: 64 },
    mac_address: { type: "string", maxLength: 64 },
  },
} as const;

const writable = {
  name: { type: "string", maxLength: 255 },
  description: { type: "string", maxLength: 255 },
  allowed_address_pairs: { type: "array", maxItems: 1000, items: pair },
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

const fixedIpsSchema = {
  type: "array",
  maxItems: 20,
  items: {
    type: "object",
    properties: {
      subnet_id: { type: "string", maxLength: 64 },
      ip_address: { type: "string", maxLength: 64 },
    },
  },
} as const;

const portCreatable = {
  type: "object",
  required: ["network_id"],
  properties: {
    ...writable,
    network_id: { type: "string", minLength: 1, maxLength: 64 },
    admin_state_up: { type: "boolean" },
    device_owner: { enum: ["", "neutron:VIP_PORT"] },
    mac_address: { type: "string", maxLength: 64 },
    fixed_ips: fixedIpsSchema,
    project_id: { type: "string", maxLength: 64 },
    tenant_id: { type: "string", maxLength: 64 },
  },
} as const;

export const createPortSchema = {
  type: "object",
  anyOf: [{ required: ["port"] }, { required: ["ports"] }],
  properties: { port: portCreatable, ports: { type: "array", minItems: 1, maxItems: 100, items: portCreatable } },
} as const;

export const updatePortSchema = {
  type: "object",
  required: ["port"],
  properties: {
    port: {
      type: "object",
      minProperties: 1,
      properties: { ...writable, admin_state_up: { type: "boolean" }, fixed_ips: fixedIpsSchema },
    },
  },
} as const;

export interface PairBody {
  ip_address: string;
  mac_address?: string;
}

export interface PortCreatable {
  network_id: string;
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  device_owner?: "" | "neutron:VIP_PORT";
  mac_address?: string;
  project_id?: string;
  tenant_id?: string;
  fixed_ips?: FixedIpBody[];
  allowed_address_pairs?: PairBody[];
  security_groups?: string[];
  port_security_enabled?: boolean;
  extra_dhcp_opts?: DhcpOptionBody[];
  "binding:profile"?: Record<string, unknown>;
}

export interface FixedIpBody {
  subnet_id?: string;
  ip_address?: string;
}

export interface CreatePortBody {
  port?: PortCreatable;
  ports?: PortCreatable[];
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
    admin_state_up?: boolean;
    fixed_ips?: FixedIpBody[];
    allowed_address_pairs?: PairBody[];
    security_groups?: string[];
    port_security_enabled?: boolean;
    extra_dhcp_opts?: DhcpOptionBody[];
    "binding:profile"?: Record<string, unknown>;
  };
}

/** One value or a list; a list is bounded, as each id becomes a parameter of one SQL statement. */
const stringOrList = {
  anyOf: [{ type: "string" }, { type: "array", maxItems: 1000, items: { type: "string" } }],
} as const;

export const listPortsQuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    name: { type: "string" },
    network_id: { type: "string" },
    device_id: { type: "string" },
    device_owner: { type: "string" },
    mac_address: { type: "string" },
    status: { type: "string" },
    admin_state_up: { type: "boolean" },
    project_id: { type: "string" },
    tenant_id: { type: "string" },
    fixed_ips: { type: "array", items: { type: "string" } },
    security_groups: stringOrList,
    limit: { type: "integer", minimum: 0, maximum: 2000 },
    marker: { type: "string" },
    page_reverse: { type: "boolean" },
    sort_key: listControlsSchema.sort_key,
    sort_dir: listControlsSchema.sort_dir,
    changed_since: listControlsSchema.changed_since,
    fields: stringOrList,
  },
} as const;

export interface ListPortsQuery {
  id?: string | string[];
  name?: string;
  network_id?: string;
  device_id?: string;
  device_owner?: string;
  mac_address?: string;
  status?: string;
  admin_state_up?: boolean;
  project_id?: string;
  tenant_id?: string;
  fixed_ips?: string[];
  security_groups?: string | string[];
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
  sort_key?: string | string[];
  sort_dir?: string | string[];
  changed_since?: string;
  fields?: string | string[];
}
