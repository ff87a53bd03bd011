/** Neutron's paging over items sorted by id: `limit` items after `marker`, or before it with `page_reverse`. */
export interface PageRequest {
  limit?: number;
  marker?: string;
  reverse?: boolean;
}

/**
 * One page, always in ascending id order (Neutron reverses its query for `page_reverse` and then the page back).
 * Without a marker, a reversed page is the last `limit` items. `limit` 0 or absent means no limit.
 */
export function pageOf<T extends { id: string }>(items: readonly T[], request: PageRequest): T[] {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const limit = request.limit && request.limit > 0 ? request.limit : Number.POSITIVE_INFINITY;
  const { marker } = request;
  if (request.reverse) {
    const before = marker === undefined ? sorted : sorted.filter((item) => item.id < marker);
    return limit === Number.POSITIVE_INFINITY ? before : before.slice(Math.max(0, before.length - limit));
  }
  const after = marker === undefined ? sorted : sorted.filter((item) => item.id > marker);
  return limit === Number.POSITIVE_INFINITY ? after : after.slice(0, limit);
}
