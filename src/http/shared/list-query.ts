/** What the VPC v1 and Neutron list queries share. */
import { Type } from "@sinclair/typebox";

/** One value or a list (`?id=a&id=b`); a list is bounded, as each id becomes a parameter of one SQL statement. */
export const stringOrList = Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 1000 })]);

/** A page's size: 0 (or none) means the list's default, at most 2,000 as the cloud allows. */
export const limit = Type.Integer({ minimum: 0, maximum: 2000 });

/** A `stringOrList` value as a list (undefined when the query did not name it). */
export function listOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : [value].flat();
}
