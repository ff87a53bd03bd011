import { limit, stringOrList } from "../shared/list-query.js";

const text = (maxLength: number) => ({ type: "string", maxLength }) as const;

const writable = { name: text(255), description: text(255) } as const;

export const neutronCreateSecurityGroupSchema = {
  type: "object",
  required: ["security_group"],
  properties: { security_group: { type: "object", properties: writable } },
} as const;

export const neutronUpdateSecurityGroupSchema = {
  type: "object",
  required: ["security_group"],
  properties: { security_group: { type: "object", minProperties: 1, properties: writable } },
} as const;

export interface NeutronSecurityGroupBody {
  security_group: { name?: string; description?: string };
}

const paging = {
  limit,
  marker: text(64),
  tenant_id: text(64),
  project_id: text(64),
} as const;

export const neutronListSecurityGroupsQuerySchema = {
  type: "object",
  properties: { ...paging, id: stringOrList, name: text(255), description: text(255) },
} as const;

export interface NeutronListSecurityGroupsQuery {
  id?: string | string[];
  name?: string;
  description?: string;
  tenant_id?: string;
  project_id?: string;
  limit?: number;
  marker?: string;
}

export const neutronListRulesQuerySchema = {
  type: "object",
  properties: {
    ...paging,
    id: stringOrList,
    security_group_id: text(64),
    direction: text(16),
    ethertype: text(16),
    protocol: text(16),
    remote_group_id: text(64),
    remote_ip_prefix: text(64),
    port_range_min: { type: "integer" },
    port_range_max: { type: "integer" },
  },
} as const;

export interface NeutronListRulesQuery {
  id?: string | string[];
  security_group_id?: string;
  direction?: string;
  ethertype?: string;
  protocol?: string;
  remote_group_id?: string;
  remote_ip_prefix?: string;
  port_range_min?: number;
  port_range_max?: number;
  tenant_id?: string;
  project_id?: string;
  limit?: number;
  marker?: string;
}
