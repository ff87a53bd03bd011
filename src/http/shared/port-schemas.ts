/** The pieces of a port body and of a port list query VPC v1 and Neutron take alike; their types follow them. */
import { type Static, Type } from "@sinclair/typebox";
import { stringOrList } from "./list-query.js";

/** Any JSON object (`binding:profile`), written `{ "type": "object" }` as before (TypeBox's Object would list no properties). */
export const anyObject = Type.Unsafe<Record<string, unknown>>({ type: "object" });

/** One allowed address pair: an address or CIDR, and optionally the MAC it is bound to. */
export const pairSchema = Type.Object({
  ip_address: Type.String({ maxLength: 64 }),
  mac_address: Type.Optional(Type.String({ maxLength: 64 })),
});
export type PairBody = Static<typeof pairSchema>;

const fixedIp = Type.Object({
  subnet_id: Type.Optional(Type.String({ maxLength: 64 })),
  ip_address: Type.Optional(Type.String({ maxLength: 64 })),
});
export type FixedIpBody = Static<typeof fixedIp>;

/** A port's fixed IP on create: its subnet, its address, or both; one per port. */
export const fixedIpsSchema = Type.Array(fixedIp, { maxItems: 1 });

/** The port list filters both services take; `fixed_ips` terms are `ip_address=…` or `subnet_id=…`. */
export const portQueryProperties = {
  id: Type.Optional(stringOrList),
  name: Type.Optional(Type.String()),
  network_id: Type.Optional(Type.String()),
  device_id: Type.Optional(Type.String()),
  device_owner: Type.Optional(Type.String()),
  mac_address: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  admin_state_up: Type.Optional(Type.Boolean()),
  fixed_ips: Type.Optional(Type.Array(Type.String())),
};
const portQuery = Type.Object(portQueryProperties);
export type PortQuery = Static<typeof portQuery>;
