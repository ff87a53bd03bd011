import { formatIpv4, parseIpv4 } from "../net/ipv4.js";

/**
 * An address (`a.b.c.d`) or block (`a.b.c.d/n`, host bits ignored) as the inclusive range it covers; undefined for
 * anything else (IPv6, malformed).
 */
export function rangeOf(text: string): [number, number] | undefined {
  const [addressText = "", prefixText, ...rest] = text.split("/");
  const address = parseIpv4(addressText);
  if (address === undefined || rest.length > 0) return undefined;
  if (prefixText === undefined) return [address, address];
  if (!/^(0|[1-9]\d?)$/.test(prefixText) || Number(prefixText) > 32) return undefined;
  const size = 2 ** (32 - Number(prefixText));
  const first = address - (address % size);
  return [first, first + size - 1];
}

/** Parsed ranges by text: a group's member set is planned again whenever a member changes. */
const parsedRanges = new Map<string, Range | undefined>();

export type Range = readonly [first: number, last: number];

/** `rangeOf`, remembered. */
export function knownRange(text: string): Range | undefined {
  if (parsedRanges.has(text)) return parsedRanges.get(text);
  if (parsedRanges.size > 100_000) parsedRanges.clear();
  const range = rangeOf(text);
  parsedRanges.set(text, range);
  return range;
}

const byRange = (a: Range, b: Range) => a[0] - b[0] || a[1] - b[1];

/** Puts `range` into `sorted` (ascending, duplicates kept), in place. */
export function insertRange(sorted: Range[], range: Range): void {
  sorted.splice(firstNotBelow(sorted, range), 0, range);
}

/** Takes one range equal to `range` out of `sorted`, in place. */
export function removeRange(sorted: Range[], range: Range): void {
  const at = firstNotBelow(sorted, range);
  if (at < sorted.length && byRange(sorted[at] as Range, range) === 0) sorted.splice(at, 1);
}

function firstNotBelow(sorted: readonly Range[], range: Range): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byRange(sorted[middle] as Range, range) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The elements of an nftables interval set covering every address and block given, merged so that no two overlap
 * or touch (nftables refuses overlapping intervals): `a.b.c.d` for one address, `first-last` for a range.
 */
export function intervalElements(addresses: Iterable<string>): string[] {
  const ranges = [...addresses]
    .map(knownRange)
    .filter((range): range is Range => range !== undefined)
    .sort(byRange);
  return mergedElements(ranges);
}

/** `intervalElements` of ranges already sorted (see `insertRange`). */
export function mergedElements(sorted: readonly Range[]): string[] {
  const merged: [number, number][] = [];
  for (const [first, last] of sorted) {
    const previous = merged.at(-1);
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged.map(([first, last]) =>
    first === last ? formatIpv4(first) : `${formatIpv4(first)}-${formatIpv4(last)}`,
  );
}

/** `a.b.c.d/n` with host bits masked off, `a.b.c.d` for /32, "any" for /0; undefined when unusable. */
export function networkOf(text: string): string | "any" | undefined {
  const range = rangeOf(text);
  if (range === undefined) return undefined;
  const size = range[1] - range[0] + 1;
  if (size === 2 ** 32) return "any";
  if (size === 1) return formatIpv4(range[0]);
  return `${formatIpv4(range[0])}/${32 - Math.log2(size)}`;
}
