import { limit } from "../shared/list-query.js";
import { description } from "../shared/security-group-rules.js";

export const createSecurityGroupSchema = {
  type: "object",
  required: ["security_group"],
  properties: {
    security_group: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" },
        description,
        vpc_id: { type: "string", maxLength: 64 },
        enterprise_project_id: { type: "string", maxLength: 36 },
      },
    },
  },
} as const;

export interface CreateSecurityGroupBody {
  security_group: { name: string; description?: string; vpc_id?: string; enterprise_project_id?: string };
}

export const listSecurityGroupsQuerySchema = {
  type: "object",
  properties: {
    limit,
    marker: { type: "string", maxLength: 64 },
    vpc_id: { type: "string", maxLength: 64 },
    enterprise_project_id: { type: "string", maxLength: 64 },
  },
} as const;

export interface ListSecurityGroupsQuery {
  limit?: number;
  marker?: string;
  vpc_id?: string;
  enterprise_project_id?: string;
}

export const listRulesQuerySchema = {
  type: "object",
  properties: {
    limit,
    marker: { type: "string", maxLength: 64 },
    security_group_id: { type: "string", maxLength: 64 },
    remote_ip_prefix: { type: "string", maxLength: 64 },
  },
} as const;

export interface ListRulesQuery {
  limit?: number;
  marker?: string;
  security_group_id?: string;
  remote_ip_prefix?: string;
}
