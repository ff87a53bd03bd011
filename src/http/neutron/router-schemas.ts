import { fieldsQuery } from "./query.js";

/** The reference's router names: letters, digits, `_`, `-` and `.`. */
const name = { type: "string", maxLength: 64, pattern: "^[A-Za-z0-9_.-]*$" } as const;

const route = {
  type: "object",
  required: ["destination", "nexthop"],
  properties: { destination: { type: "string", maxLength: 64 }, nexthop: { type: "string", maxLength: 64 } },
} as const;

const gateway = {
  anyOf: [
    { type: "null" },
    {
      type: "object",
      properties: {
        network_id: { type: "string", minLength: 1, maxLength: 64 },
        enable_snat: { type: "boolean" },
        external_fixed_ips: { type: "array", maxItems: 0 },
      },
    },
  ],
} as const;

const routerWritable = {
  name,
  description: { type: "string", maxLength: 255 },
  // The reference: "The value can only be true"; false is taken and answered as true (see docs/neutron-compat.md).
  admin_state_up: { type: "boolean" },
  external_gateway_info: gateway,
  routes: { anyOf: [{ type: "null" }, { type: "array", maxItems: 200, items: route }] },
} as const;

export const createRouterSchema = {
  type: "object",
  required: ["router"],
  properties: {
    router: {
      type: "object",
      properties: {
        ...routerWritable,
        tenant_id: { type: "string", maxLength: 64 },
        project_id: { type: "string", maxLength: 64 },
        availability_zone_hints: { type: "array", maxItems: 0 },
      },
    },
  },
} as const;

export const updateRouterSchema = {
  type: "object",
  required: ["router"],
  properties: { router: { type: "object", minProperties: 1, properties: routerWritable } },
} as const;

export interface RouterBodyInput {
  router: {
    name?: string;
    description?: string;
    admin_state_up?: boolean;
    external_gateway_info?: { network_id?: string; enable_snat?: boolean } | null;
    routes?: { destination: string; nexthop: string }[] | null;
    tenant_id?: string;
    project_id?: string;
  };
}

/** Neutron's extraroute-atomic body: `{"router": {"routes": [...]}}`. */
export const routerRoutesSchema = {
  type: "object",
  required: ["router"],
  properties: {
    router: {
      type: "object",
      required: ["routes"],
      properties: { routes: { type: "array", maxItems: 200, items: route } },
    },
  },
} as const;

export interface RouterRoutesBody {
  router: { routes: { destination: string; nexthop: string }[] };
}

export const routerInterfaceSchema = {
  type: "object",
  properties: {
    subnet_id: { type: "string", minLength: 1, maxLength: 64 },
    port_id: { type: "string", minLength: 1, maxLength: 64 },
  },
} as const;

export interface RouterInterfaceBody {
  subnet_id?: string;
  port_id?: string;
}

const stringOrList = {
  anyOf: [{ type: "string" }, { type: "array", maxItems: 1000, items: { type: "string" } }],
} as const;

export const listRoutersQuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    name: { type: "string" },
    description: { type: "string" },
    status: { type: "string" },
    admin_state_up: { type: "boolean" },
    tenant_id: { type: "string" },
    project_id: { type: "string" },
    limit: { type: "integer", minimum: 0, maximum: 2000 },
    marker: { type: "string" },
    page_reverse: { type: "boolean" },
    fields: fieldsQuery,
  },
} as const;

export interface ListRoutersQuery {
  id?: string | string[];
  name?: string;
  description?: string;
  status?: string;
  admin_state_up?: boolean;
  tenant_id?: string;
  project_id?: string;
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
  fields?: string | string[];
}
