import type { FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";
import { baseUrlOf } from "../base-url.js";
import { selectFields } from "./query.js";

/** Neutron's list controls, as every collection takes them. */
export interface ListControls {
  limit?: number;
  marker?: string;
  page_reverse?: boolean;
  sort_key?: string | string[];
  sort_dir?: string | string[];
  fields?: string | string[];
  /** The timestamp extension's filter: resources changed at or after this time. */
  changed_since?: string;
}

export const listControlsSchema = {
  limit: { type: "integer", minimum: 0, maximum: 2000 },
  marker: { type: "string", maxLength: 64 },
  page_reverse: { type: "boolean" },
  sort_key: { anyOf: [{ type: "string" }, { type: "array", maxItems: 10, items: { type: "string" } }] },
  sort_dir: {
    anyOf: [{ enum: ["asc", "desc"] }, { type: "array", maxItems: 10, items: { enum: ["asc", "desc"] } }],
  },
  changed_since: { type: "string", maxLength: 64 },
} as const;

/** Resources' `updated_at` (UTC, without a zone) at or after `since` (ISO 8601, any zone). */
function changedSince(bodies: Body[], since: string | undefined): Body[] {
  if (since === undefined) return bodies;
  const at = Date.parse(since);
  if (Number.isNaN(at))
    fail("neutronInvalidInput", `Invalid input for operation: '${since}' is not a valid timestamp.`);
  return bodies.filter((body) => {
    const updated = typeof body.updated_at === "string" ? Date.parse(`${body.updated_at.slice(0, 19)}Z`) : Number.NaN;
    return !Number.isNaN(updated) && updated >= Math.floor(at / 1000) * 1000;
  });
}

type Body = Record<string, unknown> & { id: string };

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Sorted by the keys asked for (each ascending unless its `sort_dir` says otherwise), then by id. */
function sorted(bodies: Body[], controls: ListControls): Body[] {
  const keys = controls.sort_key === undefined ? [] : [controls.sort_key].flat();
  const dirs = controls.sort_dir === undefined ? [] : [controls.sort_dir].flat();
  return [...bodies].sort((a, b) => {
    for (const [index, key] of keys.entries()) {
      const order = compareValues(a[key], b[key]);
      if (order !== 0) return dirs[index] === "desc" ? -order : order;
    }
    return compareValues(a.id, b.id);
  });
}

/**
 * A collection answer: sorted, one page of it (after `marker`, or before it with `page_reverse`), each resource cut
 * to `fields`, with `<collection>_links` to the next page when the page is full and to the previous one after a
 * marker. The paging works on the complete bodies, so a marker and sort keys may name fields left out of the answer.
 */
export function collectionAnswer(
  request: FastifyRequest,
  collection: string,
  bodies: Body[],
  controls: ListControls,
): Record<string, unknown> {
  const all = sorted(changedSince(bodies, controls.changed_since), controls);
  const limit = controls.limit && controls.limit > 0 ? controls.limit : undefined;
  const at = controls.marker === undefined ? -1 : all.findIndex((body) => body.id === controls.marker);
  let page: Body[];
  if (controls.page_reverse) {
    const before = at < 0 ? (controls.marker === undefined ? all : []) : all.slice(0, at);
    page = limit === undefined ? before : before.slice(Math.max(0, before.length - limit));
  } else {
    const after = at < 0 ? (controls.marker === undefined ? all : []) : all.slice(at + 1);
    page = limit === undefined ? after : after.slice(0, limit);
  }
  const answer: Record<string, unknown> = {
    [collection]: page.map((body) => selectFields(body, controls.fields)),
  };
  if (limit === undefined) return answer;
  const links: { rel: string; href: string }[] = [];
  const first = page[0];
  const last = page.at(-1);
  const forward = controls.page_reverse ? first : last;
  const backward = controls.page_reverse ? last : first;
  if (forward && page.length === limit) {
    links.push({
      rel: controls.page_reverse ? "previous" : "next",
      href: linkTo(request, limit, forward.id, controls.page_reverse),
    });
  }
  if (backward && controls.marker !== undefined) {
    links.push({
      rel: controls.page_reverse ? "next" : "previous",
      href: linkTo(request, limit, backward.id, !controls.page_reverse),
    });
  }
  if (links.length > 0) answer[`${collection}_links`] = links;
  return answer;
}

/** The same query, filters kept, for the page beyond `marker` in the given direction. */
function linkTo(request: FastifyRequest, limit: number, marker: string, reverse?: boolean): string {
  const [path, query = ""] = request.url.split("?", 2) as [string, string?];
  const kept = query.split("&").filter((part) => part !== "" && !/^(limit|marker|page_reverse)=/.test(part));
  const parts = [...kept, `limit=${limit}`, `marker=${encodeURIComponent(marker)}`];
  if (reverse) parts.push("page_reverse=True");
  return `${baseUrlOf(request)}${path}?${parts.join("&")}`;
}
