const id = { type: "string", minLength: 1, maxLength: 64 } as const;
const description = { type: "string", maxLength: 255, pattern: "^[^<>]*$" } as const;
const portNumber = { type: ["integer", "null"], minimum: 0, maximum: 65535 } as const;
const optionalText = (maxLength: number) => ({ type: ["string", "null"], maxLength }) as const;

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

/** The rule body both APIs take (`security_group_rule`). */
export const createRuleSchema = {
  type: "object",
  required: ["security_group_rule"],
  properties: {
    security_group_rule: {
      type: "object",
      required: ["security_group_id", "direction"],
      properties: {
        security_group_id: id,
        direction: { type: "string", maxLength: 16 },
        ethertype: { type: "string", maxLength: 16 },
        protocol: optionalText(16),
        port_range_min: portNumber,
        port_range_max: portNumber,
        remote_ip_prefix: optionalText(64),
        remote_group_id: optionalText(64),
        remote_address_group_id: optionalText(64),
        description,
      },
    },
  },
} as const;

export interface CreateRuleBody {
  security_group_rule: {
    security_group_id: string;
    direction: string;
    ethertype?: string;
    protocol?: string | null;
    port_range_min?: number | null;
    port_range_max?: number | null;
    remote_ip_prefix?: string | null;
    remote_group_id?: string | null;
    remote_address_group_id?: string | null;
    description?: string;
  };
}

export const listSecurityGroupsQuerySchema = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 0, maximum: 2000 },
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
    limit: { type: "integer", minimum: 0, maximum: 2000 },
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
