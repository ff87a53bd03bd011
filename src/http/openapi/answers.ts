/**
 * Building blocks for the successful answers a route declares in `schema.response`. They describe the keys clients
 * read, for the OpenAPI document; answers are serialized as the mappers build them (see `registerOpenApi`), and
 * objects stay open (`additionalProperties` allowed) like the cloud's.
 */
export type Schema = Record<string, unknown>;

export const str = { type: "string" };
export const int = { type: "integer" };
export const bool = { type: "boolean" };
export const anyObject = { type: "object" };
export const nullableStr = { type: ["string", "null"] };

/** An object whose listed keys are strings unless `typed` says otherwise. */
export function shape(keys: string, typed: Record<string, Schema> = {}): Schema {
  const properties: Record<string, Schema> = {};
  for (const key of keys.split(/\s+/).filter(Boolean)) properties[key] = str;
  return { type: "object", properties: { ...properties, ...typed } };
}

export const arrayOf = (items: Schema): Schema => ({ type: "array", items });
export const wrap = (key: string, value: Schema): Schema => ({
  type: "object",
  required: [key],
  properties: { [key]: value },
});

/** An answer without keys of interest (`{}`). */
export const empty: Schema = { type: "object" };

/** `schema.response` for a JSON answer of this shape. */
export function ok(answer: Schema, status = 200): Record<number, Schema> {
  return { [status]: { description: "OK", ...answer } };
}

/** `schema.response` for an answer without a body. */
export const noContent: Record<number, Schema> = { 204: { type: "null", description: "No content" } };

/** `schema.response` for a text answer of this media type. */
export function textAnswer(contentType = "text/plain", status = 200): Record<number, Schema> {
  return { [status]: { description: "OK", content: { [contentType]: { schema: str } } } };
}
