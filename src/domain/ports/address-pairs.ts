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
