import { type Static, Type } from "@sinclair/typebox";
import { limit, stringOrList } from "../shared/list-query.js";
import { anyObject, pairSchema, portQueryProperties } from "../shared/port-schemas.js";
import { listControlsSchema } from "./collection.js";

const dhcpOption = Type.Object({
  opt_name: Type.String({ minLength: 1, maxLength: 255 }),
  opt_value: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
  ip_version: Type.Optional(Type.Unsafe<4 | 6>({ enum: [4, 6] })),
});

const writable = {
  name: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  allowed_address_pairs: Type.Optional(Type.Array(pairSchema, { maxItems: 1000 })),
  security_groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10 })),
  extra_dhcp_opts: Type.Optional(Type.Array(dhcpOption, { maxItems: 100 })),
  port_security_enabled: Type.Optional(Type.Boolean()),
  "binding:profile": Type.Optional(anyObject),
  "binding:vnic_type": Type.Optional(Type.String()),
};

/** Neutron's fixed IPs: several per port, each by subnet, by address or both. */
const fixedIpsSchema = Type.Array(
  Type.Object({
    subnet_id: Type.Optional(Type.String({ maxLength: 64 })),
    ip_address: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  { maxItems: 20 },
);
export type FixedIpsBody = Static<typeof fixedIpsSchema>;

const portCreatable = Type.Object({
  ...writable,
  network_id: Type.String({ minLength: 1, maxLength: 64 }),
  admin_state_up: Type.Optional(Type.Boolean()),
  device_owner: Type.Optional(Type.Unsafe<"" | "neutron:VIP_PORT">({ enum: ["", "neutron:VIP_PORT"] })),
  mac_address: Type.Optional(Type.String({ maxLength: 64 })),
  fixed_ips: Type.Optional(fixedIpsSchema),
  project_id: Type.Optional(Type.String({ maxLength: 64 })),
  tenant_id: Type.Optional(Type.String({ maxLength: 64 })),
});
export type PortCreatable = Static<typeof portCreatable>;

/** One port, or several (Neutron's bulk create: every one or none). */
export const createPortSchema = Type.Object(
  {
    port: Type.Optional(portCreatable),
    ports: Type.Optional(Type.Array(portCreatable, { minItems: 1, maxItems: 100 })),
  },
  { anyOf: [{ required: ["port"] }, { required: ["ports"] }] },
);
export type CreatePortBody = Static<typeof createPortSchema>;

export const updatePortSchema = Type.Object({
  port: Type.Object(
    { ...writable, admin_state_up: Type.Optional(Type.Boolean()), fixed_ips: Type.Optional(fixedIpsSchema) },
    { minProperties: 1 },
  ),
});
export type UpdatePortBody = Static<typeof updatePortSchema>;

export const listPortsQuerySchema = Type.Object({
  ...portQueryProperties,
  project_id: Type.Optional(Type.String()),
  tenant_id: Type.Optional(Type.String()),
  security_groups: Type.Optional(stringOrList),
  limit: Type.Optional(limit),
  marker: Type.Optional(Type.String()),
  page_reverse: Type.Optional(Type.Boolean()),
  sort_key: Type.Optional(Type.Unsafe<string | string[]>(listControlsSchema.sort_key)),
  sort_dir: Type.Optional(Type.Unsafe<string | string[]>(listControlsSchema.sort_dir)),
  changed_since: Type.Optional(Type.String({ maxLength: 64 })),
  fields: Type.Optional(stringOrList),
});
export type ListPortsQuery = Static<typeof listPortsQuerySchema>;
