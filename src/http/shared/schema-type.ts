import type { FromSchema, JSONSchema } from "json-schema-to-ts";

/**
 * The type of what a request schema admits, keeping only the keys it names: FromSchema gives every object that does not
 * forbid other keys a `[x: string]: unknown` too, which would let a misspelt key type-check. An object that names no
 * keys (`{ "type": "object" }`) stays a record.
 */
export type SchemaType<S extends JSONSchema> = Named<FromSchema<S>>;

type Named<T> = T extends (infer I)[] ? Named<I>[] : T extends object ? NamedKeys<T> : T;
type NamedKeys<T> = [keyof Known<T>] extends [never] ? T : { [K in keyof Known<T>]: Named<Known<T>[K]> };
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
