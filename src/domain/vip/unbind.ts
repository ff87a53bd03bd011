import { isVipCapableOwner, type Port } from "../model.js";
import { withoutPairs } from "../ports/address-pairs.js";
import { primaryFixedIp, withAddressPairs } from "../ports/port-changes.js";

/** What unbinding needs to know of a port holding one of the NIC's pair addresses: its owner and its addresses. */
export type AddressHolder = Pick<Port, "deviceOwner" | "fixedIps">;

export interface UnbindRequest {
  nic: Port;
  /** Ports of the NIC's VPC holding the IPs of the NIC's pairs (the candidates for "this pair names a VIP"). */
  pairHolders: AddressHolder[];
  /** Ports of the project that carry the NIC's own IP/MAC pair. */
  reverseHolders: Port[];
  now: string;
}

export interface UnbindOutcome {
  nic: Port;
  nicChanged: boolean;
  /** VIP ports whose pair for this NIC was removed. */
  vips: Port[];
}

/** Removes this NIC's VIP bindings on both sides; pairs a user set by hand for other IPs stay. */
export function decideUnbind(request: UnbindRequest): UnbindOutcome {
  const { nic } = request;
  const vipIps = new Set(
    request.pairHolders
      .filter((port) => isVipCapableOwner(port.deviceOwner))
      .flatMap((port) => port.fixedIps.map((ip) => ip.ipAddress)),
  );
  const nicPairs = withoutPairs(nic.allowedAddressPairs, (pair) => vipIps.has(pair.ipAddress));

  const nicIp = primaryFixedIp(nic);
  const vips: Port[] = [];
  for (const port of request.reverseHolders) {
    if (!isVipCapableOwner(port.deviceOwner) || port.id === nic.id) continue;
    const remaining = withoutPairs(
      port.allowedAddressPairs,
      (pair) => pair.ipAddress === nicIp && pair.macAddress === nic.macAddress,
    );
    if (remaining.changed) vips.push(withAddressPairs(port, remaining.pairs, true, request.now));
  }
  return {
    nic: withAddressPairs(nic, nicPairs.pairs, nicPairs.changed, request.now),
    nicChanged: nicPairs.changed,
    vips,
  };
}
