import { type Static, Type } from "@sinclair/typebox";
import { limit, stringOrList } from "../shared/list-query.js";
import { anyObject, fixedIpsSchema, pairSchema, portQueryProperties } from "../shared/port-schemas.js";

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

export const createPortSchema = Type.Object({
  port: Type.Object({
    ...writable,
    network_id: Type.String({ minLength: 1, maxLength: 64 }),
    admin_state_up: Type.Optional(Type.Boolean()),
    device_owner: Type.Optional(Type.Unsafe<"" | "neutron:VIP_PORT">({ enum: ["", "neutron:VIP_PORT"] })),
    fixed_ips: Type.Optional(fixedIpsSchema),
  }),
});
export type CreatePortBody = Static<typeof createPortSchema>;

export const updatePortSchema = Type.Object({ port: Type.Object(writable, { minProperties: 1 }) });
export type UpdatePortBody = Static<typeof updatePortSchema>;

export const listPortsQuerySchema = Type.Object({
  ...portQueryProperties,
  project_id: Type.Optional(Type.String()),
  tenant_id: Type.Optional(Type.String()),
  security_groups: Type.Optional(stringOrList),
  limit: Type.Optional(limit),
  marker: Type.Optional(Type.String()),
  page_reverse: Type.Optional(Type.Boolean()),
});
export type ListPortsQuery = Static<typeof listPortsQuerySchema>;
