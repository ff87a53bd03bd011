import { listControlsSchema } from "../neutron/collection.js";
import { projectNaming } from "../neutron/named-project.js";
import { fieldsQuery } from "../neutron/query.js";
import { limit, stringOrList } from "../shared/list-query.js";

const name = { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" } as const;

export const allocatePublicIpSchema = {
  type: "object",
  required: ["publicip", "bandwidth"],
  properties: {
    publicip: {
      type: "object",
      required: ["type"],
      properties: {
        type: { type: "string", minLength: 1, maxLength: 36 },
        ip_address: { type: "string", maxLength: 64 },
        ip_version: { enum: [4] },
        alias: { type: "string", maxLength: 64, pattern: "^[A-Za-z0-9_.-]*$" },
        port_id: { type: "string", maxLength: 64 },
      },
    },
    bandwidth: {
      type: "object",
      required: ["name", "size", "share_type"],
      properties: {
        name,
        size: { type: "integer", minimum: 1, maximum: 2000 },
        share_type: { enum: ["PER", "WHOLE"] },
        charge_mode: { enum: ["bandwidth", "traffic"] },
        id: { type: "string", maxLength: 64 },
      },
    },
    enterprise_project_id: { type: "string", maxLength: 36 },
  },
} as const;

export interface AllocatePublicIpBody {
  publicip: { type: string; ip_address?: string; alias?: string; port_id?: string };
  bandwidth: { name: string; size: number; share_type: string; charge_mode?: string };
}

export const updatePublicIpSchema = {
  type: "object",
  required: ["publicip"],
  properties: {
    publicip: {
      type: "object",
      properties: {
        port_id: { type: ["string", "null"], maxLength: 64 },
        alias: { type: "string", maxLength: 64, pattern: "^[A-Za-z0-9_.-]*$" },
      },
    },
  },
} as const;

export interface UpdatePublicIpBody {
  publicip: { port_id?: string | null; alias?: string };
}

export const listPublicIpsQuerySchema = {
  type: "object",
  properties: {
    limit,
    marker: { type: "string", maxLength: 64 },
    enterprise_project_id: { type: "string", maxLength: 64 },
  },
} as const;

export interface ListPublicIpsQuery {
  limit?: number;
  marker?: string;
}

/** Neutron's standard description: at most 255 characters. */
const floatingIpDescription = { type: "string", maxLength: 255 } as const;

export const createFloatingIpSchema = {
  type: "object",
  required: ["floatingip"],
  properties: {
    floatingip: {
      type: "object",
      required: ["floating_network_id"],
      properties: {
        floating_network_id: { type: "string", minLength: 1, maxLength: 64 },
        floating_ip_address: { type: "string", maxLength: 64 },
        port_id: { type: ["string", "null"], maxLength: 64 },
        fixed_ip_address: { type: ["string", "null"], maxLength: 64 },
        description: floatingIpDescription,
        ...projectNaming,
      },
    },
  },
} as const;

export interface CreateFloatingIpBody {
  floatingip: {
    floating_network_id: string;
    floating_ip_address?: string;
    port_id?: string | null;
    fixed_ip_address?: string | null;
    description?: string;
    project_id?: string;
    tenant_id?: string;
  };
}

export const updateFloatingIpSchema = {
  type: "object",
  required: ["floatingip"],
  properties: {
    floatingip: {
      type: "object",
      properties: {
        port_id: { type: ["string", "null"], maxLength: 64 },
        fixed_ip_address: { type: ["string", "null"], maxLength: 64 },
        description: floatingIpDescription,
      },
    },
  },
} as const;

export interface UpdateFloatingIpBody {
  floatingip: { port_id?: string | null; fixed_ip_address?: string | null; description?: string };
}

export const listFloatingIpsQuerySchema = {
  type: "object",
  properties: {
    id: stringOrList,
    floating_ip_address: { type: "string", maxLength: 64 },
    floating_network_id: { type: "string", maxLength: 64 },
    port_id: { type: "string", maxLength: 64 },
    fixed_ip_address: { type: "string", maxLength: 64 },
    router_id: { type: "string", maxLength: 64 },
    tenant_id: { type: "string", maxLength: 64 },
    project_id: { type: "string", maxLength: 64 },
    status: { type: "string", maxLength: 16 },
    ...listControlsSchema,
    fields: fieldsQuery,
  },
} as const;

export interface ListFloatingIpsQuery {
  id?: string | string[];
  floating_ip_address?: string;
  floating_network_id?: string;
  port_id?: string;
  fixed_ip_address?: string;
  router_id?: string;
  tenant_id?: string;
  project_id?: string;
  status?: string;
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
}
