import { stringOrList } from "../shared/list-query.js";
import { listControlsSchema } from "./collection.js";
import { type ProjectNaming, projectNaming } from "./named-project.js";

const paging = {
  ...listControlsSchema,
  fields: stringOrList,
} as const;

/** A create body with one resource under `key`, or several under `keys` (Neutron's bulk create). */
function oneOrBulk(key: string, keys: string, item: Record<string, unknown>) {
  return {
    type: "object",
    anyOf: [{ required: [key] }, { required: [keys] }],
    properties: { [key]: item, [keys]: { type: "array", minItems: 1, maxItems: 100, items: item } },
  } as const;
}

const networkWritable = {
  name: { type: "string", maxLength: 255 },
  description: { type: "string", maxLength: 255 },
  admin_state_up: { type: "boolean" },
  port_security_enabled: { type: "boolean" },
} as const;

export const createNetworkSchema = oneOrBulk("network", "networks", {
  type: "object",
  properties: {
    ...networkWritable,
    ...projectNaming,
    shared: { const: false },
    "provider:network_type": { enum: ["vxlan"] },
    "router:external": { const: false },
  },
});

export const updateNetworkSchema = {
  type: "object",
  required: ["network"],
  properties: { network: { type: "object", minProperties: 1, properties: networkWritable } },
} as const;

export interface NetworkFields {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  port_security_enabled?: boolean;
  /** Read-only: present only to be refused with Neutron's text. */
  mtu?: unknown;
}

export interface NetworkBodyInput {
  network: NetworkFields;
}

export interface CreateNetworksBody {
  network?: NetworkFields & ProjectNaming;
  networks?: (NetworkFields & ProjectNaming)[];
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
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
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
  gateway_ip: { type: ["string", "null"], maxLength: 64 },
} as const;

const subnetCreatable = {
  type: "object",
  required: ["network_id", "cidr"],
  properties: {
    ...subnetWritable,
    ...projectNaming,
    network_id: { type: "string", minLength: 1, maxLength: 64 },
    cidr: { type: "string", maxLength: 64 },
    ip_version: { type: "integer" },
  },
} as const;

export const createSubnetSchema = oneOrBulk("subnet", "subnets", subnetCreatable);

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
  gateway_ip?: string | null;
}

export type SubnetCreatable = SubnetWritable &
  ProjectNaming & { network_id: string; cidr: string; ip_version?: number };

export interface CreateSubnetBody {
  subnet?: SubnetCreatable;
  subnets?: SubnetCreatable[];
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
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
}
