/** Turning the port bodies and queries VPC v1 and Neutron take alike into what the use cases take. */
import { isPairAddress } from "../../domain/net/cidr.js";
import type { PairInput } from "../../domain/ports/address-pairs.js";
import type { DhcpOptionInput } from "../../domain/ports/dhcp-options.js";
import { isMac } from "../../domain/ports/mac.js";
import type { PortFilter } from "../../store/store.js";
import type { Caller } from "../../usecases/context.js";
import { listOf } from "./list-query.js";
import type { PairBody, PortQuery } from "./port-schemas.js";

/** How a service refuses a malformed pair, in its own code and words. */
export type RefuseAddress = (field: "ip_address" | "mac_address", value: string) => never;

/** Checked address pairs (MACs lower-cased), or undefined when the body names none. */
export function pairInputs(pairs: PairBody[] | undefined, refuse: RefuseAddress): PairInput[] | undefined {
  return pairs?.map((pair) => {
    if (!isPairAddress(pair.ip_address)) refuse("ip_address", pair.ip_address);
    if (pair.mac_address !== undefined && !isMac(pair.mac_address)) refuse("mac_address", pair.mac_address);
    return { ipAddress: pair.ip_address, macAddress: pair.mac_address?.toLowerCase() };
  });
}

/** Request options (`opt_value` null removes one on update). */
export function dhcpOptionInputs(
  options: { opt_name: string; opt_value?: string | null; ip_version?: number }[] | undefined,
): DhcpOptionInput[] | undefined {
  return options?.map((option) => ({
    optName: option.opt_name,
    optValue: option.opt_value ?? null,
    ...(option.ip_version === undefined ? {} : { ipVersion: option.ip_version }),
  }));
}

/** The caller's ports the query names; undefined for a malformed `fixed_ips` term (the answer is then empty). */
export function portFilterOf(caller: Caller, query: PortQuery): PortFilter | undefined {
  const filter: PortFilter = {
    projectId: caller.projectId,
    name: query.name,
    networkId: query.network_id,
    deviceId: query.device_id,
    deviceOwner: query.device_owner,
    macAddress: query.mac_address?.toLowerCase(),
    status: query.status,
    adminStateUp: query.admin_state_up,
    ids: listOf(query.id),
  };
  for (const term of query.fixed_ips ?? []) {
    const eq = term.indexOf("=");
    const key = term.slice(0, eq);
    const value = term.slice(eq + 1);
    if (key === "ip_address") filter.ipAddress = value;
    else if (key === "ip_address_substr") filter.ipAddressSubstring = value;
    else if (key === "subnet_id") filter.fixedIpSubnetId = value;
    else return undefined;
  }
  return filter;
}
