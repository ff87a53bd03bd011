const uuidLike = { type: "string", minLength: 1, maxLength: 64 } as const;

export const nicVipSchema = {
  type: "object",
  required: ["nic"],
  properties: {
    nic: {
      type: "object",
      required: ["subnet_id", "ip_address"],
      properties: {
        subnet_id: { type: "string", maxLength: 64 },
        ip_address: { type: "string", maxLength: 64 },
        reverse_binding: { type: "boolean" },
      },
    },
  },
} as const;

export interface NicVipBody {
  nic: { subnet_id: string; ip_address: string; reverse_binding?: boolean };
}

const nicSchema = {
  type: "object",
  required: ["subnet_id"],
  properties: {
    subnet_id: uuidLike,
    ip_address: { type: "string", maxLength: 64 },
    security_groups: {
      type: "array",
      maxItems: 10,
      items: { type: "object", properties: { id: { type: "string" } } },
    },
  },
} as const;

export const createServersSchema = {
  type: "object",
  required: ["server"],
  properties: {
    dry_run: { type: "boolean" },
    server: {
      type: "object",
      required: ["name", "imageRef", "flavorRef", "vpcid", "nics", "root_volume"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.-]+$" },
        imageRef: { type: "string", minLength: 1, maxLength: 255 },
        flavorRef: { type: "string", minLength: 1, maxLength: 255 },
        vpcid: uuidLike,
        nics: { type: "array", minItems: 1, maxItems: 64, items: nicSchema },
        root_volume: {
          type: "object",
          required: ["volumetype"],
          properties: {
            volumetype: { enum: ["SATA", "SAS", "SSD", "GPSSD", "ESSD"] },
            size: { type: "integer", minimum: 0, maximum: 1024 },
          },
        },
        count: { type: "integer", minimum: 1, maximum: 100000 },
        availability_zone: { type: "string", maxLength: 128 },
        adminPass: { type: "string", maxLength: 256 },
        key_name: { type: "string", maxLength: 255 },
        user_data: { type: "string", maxLength: 65536 },
        data_volumes: { type: "array", maxItems: 59, items: { type: "object" } },
        publicip: { type: "object" },
        metadata: {
          type: "object",
          maxProperties: 10,
          additionalProperties: { type: "string", maxLength: 255 },
        },
        // "key.value": a key of up to 36 letters, digits, _ and -, a value of up to 43 of those and periods.
        tags: {
          type: "array",
          maxItems: 10,
          items: { type: "string", pattern: "^[A-Za-z0-9_-]{1,36}\\.[A-Za-z0-9_.-]{0,43}$" },
        },
        "os:scheduler_hints": {
          type: "object",
          maxProperties: 10,
          additionalProperties: {
            anyOf: [
              { type: "string", maxLength: 255 },
              { type: "array", maxItems: 10, items: { type: "string", maxLength: 255 } },
            ],
          },
        },
        extendparam: { type: "object" },
        security_groups: {
          type: "array",
          maxItems: 10,
          items: {
            type: "object",
            required: ["id"],
            properties: { id: { type: "string", minLength: 1, maxLength: 64 } },
          },
        },
        // Longer than 85 or with < / > is Ecs.0041, decided in the route, so the schema only bounds the size.
        description: { type: "string", maxLength: 1024 },
      },
    },
  },
} as const;

export interface CreateServersBody {
  dry_run?: boolean;
  server: {
    name: string;
    imageRef: string;
    flavorRef: string;
    vpcid: string;
    nics: { subnet_id: string; ip_address?: string }[];
    root_volume: { volumetype: string; size?: number };
    count?: number;
    availability_zone?: string;
    metadata?: Record<string, string>;
    security_groups?: { id: string }[];
    adminPass?: string;
    description?: string;
    key_name?: string;
    user_data?: string;
    tags?: string[];
    "os:scheduler_hints"?: Record<string, unknown>;
  };
}

export const addNicsSchema = {
  type: "object",
  required: ["nics"],
  properties: { nics: { type: "array", minItems: 1, maxItems: 12, items: nicSchema } },
} as const;

export interface AddNicsBody {
  nics: { subnet_id: string; ip_address?: string; security_groups?: { id: string }[] }[];
}

const idList = (max: number) =>
  ({
    type: "array",
    minItems: 1,
    maxItems: max,
    items: { type: "object", required: ["id"], properties: { id: uuidLike } },
  }) as const;

export const deleteNicsSchema = {
  type: "object",
  required: ["nics"],
  properties: { nics: idList(12) },
} as const;

export const deleteServersSchema = {
  type: "object",
  required: ["servers"],
  properties: {
    servers: idList(1000),
    delete_publicip: { type: "boolean" },
    delete_volume: { type: "boolean" },
  },
} as const;

export interface IdListBody {
  nics?: { id: string }[];
  servers?: { id: string }[];
}

const serverList = {
  type: "object",
  required: ["servers"],
  properties: { servers: idList(1000), type: { enum: ["SOFT", "HARD"] } },
} as const;

/** Exactly one of the three actions per request. */
export const serverActionSchema = {
  type: "object",
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: { "os-start": serverList, "os-stop": serverList, reboot: serverList },
} as const;

export interface ServerActionBody {
  "os-start"?: { servers: { id: string }[] };
  "os-stop"?: { servers: { id: string }[] };
  reboot?: { servers: { id: string }[] };
}

/** Paging as the ECS API does it: `offset` is a page number from 1 (0 means the first page), `limit` the page size. */
export const listServersQuerySchema = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 255 },
    status: { enum: ["BUILD", "ACTIVE", "SHUTOFF", "ERROR"] },
    flavor: { type: "string", maxLength: 255 },
    ip: { type: "string", maxLength: 64 },
    tags: { type: "string", maxLength: 1024 },
    reservation_id: { type: "string", maxLength: 64 },
    limit: { type: "integer", minimum: 1, maximum: 1000 },
    offset: { type: "integer", minimum: 0, maximum: 1000000 },
  },
} as const;

export interface ListServersQuery {
  name?: string;
  status?: string;
  flavor?: string;
  ip?: string;
  tags?: string;
  reservation_id?: string;
  limit?: number;
  offset?: number;
}
