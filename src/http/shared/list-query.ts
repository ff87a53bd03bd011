/** What the VPC v1 and Neutron list queries share. */

/** One value or a list (`?id=a&id=b`); a list is bounded, as each id becomes a parameter of one SQL statement. */
export const stringOrList = {
  anyOf: [{ type: "string" }, { maxItems: 1000, type: "array", items: { type: "string" } }],
} as const;

/** A page's size: 0 (or none) means the list's default, at most 2,000 as the cloud allows. */
export const limit = { minimum: 0, maximum: 2000, type: "integer" } as const;

/** A `stringOrList` value as a list (undefined when the query did not name it). */
export function listOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : [value].flat();
}
