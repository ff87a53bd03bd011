import type { AddressPair } from "../model.js";

export function samePair(a: AddressPair, b: AddressPair): boolean {
  return a.ipAddress === b.ipAddress && a.macAddress === b.macAddress;
}

/** Pairs are a set: adding one that is already there changes nothing. */
export function withPair(pairs: readonly AddressPair[], pair: AddressPair): { pairs: AddressPair[]; changed: boolean } {
  if (pairs.some((existing) => samePair(existing, pair))) return { pairs: [...pairs], changed: false };
  return { pairs: [...pairs, pair], changed: true };
}

export function withoutPairs(
  pairs: readonly AddressPair[],
  remove: (pair: AddressPair) => boolean,
): { pairs: AddressPair[]; changed: boolean } {
  const kept = pairs.filter((pair) => !remove(pair));
  return { pairs: kept, changed: kept.length !== pairs.length };
}

/** Drops exact duplicates while keeping first-seen order, as Neutron does for a PUT of the whole list. */
export function dedupePairs(pairs: readonly AddressPair[]): AddressPair[] {
  const result: AddressPair[] = [];
  for (const pair of pairs) if (!result.some((kept) => samePair(kept, pair))) result.push(pair);
  return result;
}

/** A pair as a client sends it: the MAC may be left out, and then means the port's own MAC. */
export interface PairInput {
  ipAddress: string;
  macAddress?: string;
}

/**
 * The pairs a whole-list write leaves on a port: MACs filled in with the port's own, exact duplicates dropped, and
 * no more than `max` of them. The same rule for Neutron and VPC v1 ports; each service words the refusal its way.
 */
export function resolvePairs(
  portMac: string,
  inputs: readonly PairInput[],
  max: number,
): { ok: true; pairs: AddressPair[] } | { ok: false; reason: "pairs-exhausted" } {
  const pairs = dedupePairs(inputs.map((p) => ({ ipAddress: p.ipAddress, macAddress: p.macAddress ?? portMac })));
  if (pairs.length > max) return { ok: false, reason: "pairs-exhausted" };
  return { ok: true, pairs };
}
