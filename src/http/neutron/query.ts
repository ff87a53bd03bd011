import type { FastifyInstance } from "fastify";

/**
 * Neutron's clients write booleans in query strings as Python does (`router:external=True`) and Neutron takes any
 * case; the schemas' coercion takes `true`/`false` only, so those are lowered first.
 */
const BOOLEAN_FILTERS = new Set([
  "admin_state_up",
  "enable_dhcp",
  "page_reverse",
  "port_security_enabled",
  "router:external",
  "shared",
  "stateful",
]);

export function acceptPythonBooleans(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== "object") return;
    for (const [key, value] of Object.entries(query)) {
      if (BOOLEAN_FILTERS.has(key) && typeof value === "string" && /^(true|false)$/i.test(value))
        query[key] = value.toLowerCase();
    }
  });
}

/** One value or a list, as Neutron takes repeated query parameters. */
export const fieldsQuery = {
  anyOf: [{ type: "string" }, { type: "array", maxItems: 100, items: { type: "string", maxLength: 64 } }],
} as const;

/** `?fields=a&fields=b`: only those attributes of each resource (Neutron answers exactly the fields asked for). */
export function selectFields<T extends Record<string, unknown>>(
  body: T,
  fields: string | string[] | undefined,
): Partial<T> {
  if (fields === undefined) return body;
  const wanted = [fields].flat().filter((field) => field !== "");
  if (wanted.length === 0) return body;
  const picked: Partial<T> = {};
  for (const field of wanted) if (field in body) (picked as Record<string, unknown>)[field] = body[field];
  return picked;
}

/** A show route's query: `fields` only. */
export const showQuerySchema = { type: "object", properties: { fields: fieldsQuery } } as const;

export interface ShowQuery {
  fields?: string | string[];
}
