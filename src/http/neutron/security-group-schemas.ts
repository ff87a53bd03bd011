import { stringOrList } from "../shared/list-query.js";
import { listControlsSchema } from "./collection.js";
import { type ProjectNaming, projectNaming } from "./named-project.js";
import { fieldsQuery } from "./query.js";

const text = (maxLength: number) => ({ type: "string", maxLength }) as const;

const writable = { name: text(255), description: text(255) } as const;

const groupCreatable = { type: "object", properties: { ...writable, ...projectNaming } } as const;

/** One group, or several (Neutron's bulk create: every one or none). */
export const neutronCreateSecurityGroupSchema = {
  type: "object",
  anyOf: [{ required: ["security_group"] }, { required: ["security_groups"] }],
  properties: {
    security_group: groupCreatable,
    security_groups: { type: "array", minItems: 1, maxItems: 100, items: groupCreatable },
  },
} as const;

export const neutronUpdateSecurityGroupSchema = {
  type: "object",
  required: ["security_group"],
  properties: { security_group: { type: "object", minProperties: 1, properties: writable } },
} as const;

export interface NeutronSecurityGroupBody {
  security_group: { name?: string; description?: string };
}

type GroupCreatable = { name?: string; description?: string } & ProjectNaming;

export interface NeutronCreateSecurityGroupBody {
  security_group?: GroupCreatable;
  security_groups?: GroupCreatable[];
}

const paging = {
  ...listControlsSchema,
  fields: fieldsQuery,
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
  page_reverse?: boolean;
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
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
  page_reverse?: boolean;
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
}

const nullableText = (maxLength: number) => ({ type: ["string", "null"], maxLength }) as const;
/** Neutron checks port ranges itself (with its own texts); only JSON-safe integers reach it. */
const portValue = { type: ["integer", "null"], minimum: -2147483648, maximum: 2147483647 } as const;

/** The rule body as Neutron takes it: a protocol by name or number, the number as JSON text or number. */
export const neutronCreateRuleSchema = {
  type: "object",
  required: ["security_group_rule"],
  properties: {
    security_group_rule: {
      type: "object",
      required: ["security_group_id", "direction"],
      properties: {
        security_group_id: { type: "string", minLength: 1, maxLength: 64 },
        direction: text(16),
        ethertype: text(16),
        protocol: { anyOf: [nullableText(16), { type: "integer", minimum: 0, maximum: 255 }] },
        port_range_min: portValue,
        port_range_max: portValue,
        remote_ip_prefix: nullableText(64),
        remote_group_id: nullableText(64),
        remote_address_group_id: nullableText(64),
        description: { type: "string", maxLength: 255, pattern: "^[^<>]*$" },
        ...projectNaming,
      },
    },
  },
} as const;

export interface NeutronCreateRuleBody {
  security_group_rule: {
    security_group_id: string;
    direction: string;
    ethertype?: string;
    protocol?: string | number | null;
    port_range_min?: number | null;
    port_range_max?: number | null;
    remote_ip_prefix?: string | null;
    remote_group_id?: string | null;
    remote_address_group_id?: string | null;
    description?: string;
  } & ProjectNaming;
}
