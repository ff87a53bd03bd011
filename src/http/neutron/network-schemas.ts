import { limit, stringOrList } from "../shared/list-query.js";

const paging = {
  limit,
  marker: { type: "string" },
  page_reverse: { type: "boolean" },
  fields: stringOrList,
} as const;

const networkWritable = {
  name: { type: "string", maxLength: 255 },
  description: { type: "string", maxLength: 255 },
  admin_state_up: { type: "boolean" },
  port_security_enabled: { type: "boolean" },
} as const;

export const createNetworkSchema = {
  type: "object",
  required: ["network"],
  properties: {
    network: {
      type: "object",
      properties: {
        ...networkWritable,
        shared: { const: false },
        "provider:network_type": { enum: ["vxlan"] },
        "router:external": { const: false },
      },
    },
  },
} as const;

export const updateNetworkSchema = {
  type: "object",
  required: ["network"],
  properties: { network: { type: "object", minProperties: 1, properties: networkWritable } },
} as const;

export interface NetworkBodyInput {
  network: { name?: string; description?: string; admin_state_up?: boolean; port_security_enabled?: boolean };
}

export const listNetworksQuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    name: { type: "string" },
    admin_state_up: { type: "boolean" },
    status: { type: "string" },
    shared: { type: "boolean" },
    "router:external": { type: "boolean" },
    "provider:network_type": { type: "string" },
    tenant_id: { type: "string" },
    project_id: { type: "string" },
    ...paging,
  },
} as const;

export interface ListNetworksQuery {
  id?: string | string[];
  name?: string;
  admin_state_up?: boolean;
  status?: string;
  shared?: boolean;
  "router:external"?: boolean;
  "provider:network_type"?: string;
  tenant_id?: string;
  project_id?: string;
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
}

const pool = {
  type: "object",
  required: ["start", "end"],
  properties: { start: { type: "string", maxLength: 64 }, end: { type: "string", maxLength: 64 } },
} as const;

const hostRoute = {
  type: "object",
  required: ["destination", "nexthop"],
  properties: { destination: { type: "string", maxLength: 64 }, nexthop: { type: "string", maxLength: 64 } },
} as const;

const subnetWritable = {
  name: { type: "string", maxLength: 255 },
  description: { type: "string", maxLength: 255 },
  allocation_pools: { type: "array", maxItems: 64, items: pool },
  dns_nameservers: { type: "array", maxItems: 64, items: { type: "string", maxLength: 64 } },
  host_routes: { type: "array", maxItems: 64, items: hostRoute },
  enable_dhcp: { type: "boolean" },
  gateway_ip: { type: "string", maxLength: 64 },
} as const;

export const createSubnetSchema = {
  type: "object",
  required: ["subnet"],
  properties: {
    subnet: {
      type: "object",
      required: ["network_id", "cidr"],
      properties: {
        ...subnetWritable,
        network_id: { type: "string", minLength: 1, maxLength: 64 },
        cidr: { type: "string", maxLength: 64 },
        ip_version: { type: "integer" },
      },
    },
  },
} as const;

export const updateSubnetSchema = {
  type: "object",
  required: ["subnet"],
  properties: { subnet: { type: "object", minProperties: 1, properties: subnetWritable } },
} as const;

interface SubnetWritable {
  name?: string;
  description?: string;
  allocation_pools?: { start: string; end: string }[];
  dns_nameservers?: string[];
  host_routes?: { destination: string; nexthop: string }[];
  enable_dhcp?: boolean;
  gateway_ip?: string;
}

export interface CreateSubnetBody {
  subnet: SubnetWritable & { network_id: string; cidr: string; ip_version?: number };
}

export interface UpdateSubnetBody {
  subnet: SubnetWritable;
}

export const listSubnetsQuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    name: { type: "string" },
    enable_dhcp: { type: "boolean" },
    cidr: { type: "string" },
    network_id: { type: "string" },
    ip_version: { type: "integer" },
    gateway_ip: { type: "string" },
    tenant_id: { type: "string" },
    project_id: { type: "string" },
    ...paging,
  },
} as const;

export interface ListSubnetsQuery {
  id?: string | string[];
  name?: string;
  enable_dhcp?: boolean;
  cidr?: string;
  network_id?: string;
  ip_version?: number;
  gateway_ip?: string;
  tenant_id?: string;
  project_id?: string;
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
}
