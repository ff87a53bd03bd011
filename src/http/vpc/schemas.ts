import { limit } from "../shared/list-query.js";

const name = { type: "string", maxLength: 64, pattern: "^[A-Za-z0-9_.\\-\\u4e00-\\u9fa5]*$" } as const;
const description = { type: "string", maxLength: 255, pattern: "^[^<>]*$" } as const;
const text64 = { type: "string", minLength: 1, maxLength: 64 } as const;

export const createVpcSchema = {
  type: "object",
  required: ["vpc"],
  properties: {
    vpc: {
      type: "object",
      properties: {
        name,
        description,
        cidr: { type: "string", maxLength: 64 },
        enterprise_project_id: { type: "string", maxLength: 36 },
      },
    },
  },
} as const;

export interface CreateVpcBody {
  vpc: { name?: string; description?: string; cidr?: string };
}

const ip = { type: "string", maxLength: 64 } as const;

export const extraDhcpOpts = {
  type: "array",
  maxItems: 20,
  items: {
    type: "object",
    required: ["opt_name"],
    properties: {
      opt_name: { enum: ["ntp", "addresstime", "domainname"] },
      opt_value: { type: "string", maxLength: 255 },
    },
  },
} as const;

export interface DhcpOptionBody {
  opt_name: string;
  opt_value?: string;
}

export const createSubnetSchema = {
  type: "object",
  required: ["subnet"],
  properties: {
    subnet: {
      type: "object",
      required: ["name", "cidr", "gateway_ip", "vpc_id"],
      properties: {
        name: { ...name, minLength: 1 },
        description,
        cidr: { type: "string", maxLength: 64 },
        gateway_ip: ip,
        vpc_id: text64,
        ipv6_enable: { const: false },
        dhcp_enable: { type: "boolean" },
        primary_dns: ip,
        secondary_dns: ip,
        dnsList: { type: "array", maxItems: 2, items: ip },
        availability_zone: { type: "string", maxLength: 128 },
        extra_dhcp_opts: extraDhcpOpts,
      },
    },
  },
} as const;

export interface CreateSubnetBody {
  subnet: {
    name: string;
    description?: string;
    cidr: string;
    gateway_ip: string;
    vpc_id: string;
    dhcp_enable?: boolean;
    primary_dns?: string;
    secondary_dns?: string;
    dnsList?: string[];
    extra_dhcp_opts?: DhcpOptionBody[];
    availability_zone?: string;
  };
}

export const updateVpcSchema = {
  type: "object",
  required: ["vpc"],
  properties: {
    vpc: {
      type: "object",
      properties: { name, description, cidr: { type: "string", maxLength: 64 }, routes: { type: "array" } },
    },
  },
} as const;

export interface UpdateVpcBody {
  vpc: { name?: string; description?: string; cidr?: string };
}

export const updateSubnetSchema = {
  type: "object",
  required: ["subnet"],
  properties: {
    subnet: {
      type: "object",
      required: ["name"],
      properties: {
        name: { ...name, minLength: 1 },
        description,
        dhcp_enable: { type: "boolean" },
        primary_dns: ip,
        secondary_dns: ip,
        dnsList: { type: "array", maxItems: 2, items: ip },
        extra_dhcp_opts: extraDhcpOpts,
      },
    },
  },
} as const;

export interface UpdateSubnetBody {
  subnet: {
    name: string;
    description?: string;
    dhcp_enable?: boolean;
    primary_dns?: string;
    secondary_dns?: string;
    dnsList?: string[];
    extra_dhcp_opts?: DhcpOptionBody[];
  };
}

export const pageQuerySchema = {
  type: "object",
  properties: {
    limit,
    marker: { type: "string", maxLength: 64 },
    vpc_id: { type: "string", maxLength: 64 },
  },
} as const;

export interface PageQuery {
  limit?: number;
  marker?: string;
  vpc_id?: string;
}

export const assignPrivateIpsSchema = {
  type: "object",
  required: ["privateips"],
  properties: {
    privateips: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["subnet_id"],
        properties: { subnet_id: text64, ip_address: ip },
      },
    },
  },
} as const;

export interface AssignPrivateIpsBody {
  privateips: { subnet_id: string; ip_address?: string }[];
}
