/** VPC v1 ports (`/v1/{project_id}/ports`), shaped as the official SDK's CreatePortOption / UpdatePortOption. */
import { type Static, Type } from "@sinclair/typebox";
import { limit } from "../shared/list-query.js";
import { anyObject, fixedIpsSchema, pairSchema, portQueryProperties } from "../shared/port-schemas.js";

const extraDhcpOpt = Type.Object({
  opt_name: Type.String({ minLength: 1, maxLength: 255 }),
  opt_value: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
});

const writable = {
  name: Type.Optional(Type.String({ maxLength: 255 })),
  allowed_address_pairs: Type.Optional(Type.Array(pairSchema, { maxItems: 1000 })),
  security_groups: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  extra_dhcp_opts: Type.Optional(Type.Array(extraDhcpOpt, { maxItems: 100 })),
};

export const createPortV1Schema = Type.Object({
  port: Type.Object({
    ...writable,
    network_id: Type.String({ minLength: 1, maxLength: 64 }),
    admin_state_up: Type.Optional(Type.Boolean()),
    device_owner: Type.Optional(Type.String({ maxLength: 255 })),
    tenant_id: Type.Optional(Type.String({ maxLength: 64 })),
    fixed_ips: Type.Optional(fixedIpsSchema),
    "binding:profile": Type.Optional(anyObject),
    "binding:vnic_type": Type.Optional(Type.String()),
    port_security_enabled: Type.Optional(Type.Boolean()),
  }),
});
export type CreatePortV1Body = Static<typeof createPortV1Schema>;

export const updatePortV1Schema = Type.Object({ port: Type.Object(writable) });
export type UpdatePortV1Body = Static<typeof updatePortV1Schema>;

export const listPortsV1QuerySchema = Type.Object({
  ...portQueryProperties,
  enterprise_project_id: Type.Optional(Type.String()),
  limit: Type.Optional(limit),
  marker: Type.Optional(Type.String()),
});
export type ListPortsV1Query = Static<typeof listPortsV1QuerySchema>;
