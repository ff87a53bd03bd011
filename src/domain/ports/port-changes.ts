import type { AddressPair, Port } from "../model.js";

/** A copy of the port with new pairs; revision and updated_at move only when something really changed. */
export function withAddressPairs(port: Port, pairs: AddressPair[], changed: boolean, now: string): Port {
  if (!changed) return port;
  return { ...port, allowedAddressPairs: pairs, revisionNumber: port.revisionNumber + 1, updatedAt: now };
}

export function primaryFixedIp(port: Port): string | undefined {
  return port.fixedIps[0]?.ipAddress;
}
