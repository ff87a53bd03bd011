import type { FastifyRequest } from "fastify";

/**
 * Neutron's bulk create takes each item bare (`{"ports": [{...}]}`) or wrapped in its resource key
 * (`{"ports": [{"port": {...}}]}`, as the neutron-tempest-plugin's client sends it); the wrapped form is unwrapped
 * before the body is validated, so both meet the same schema.
 */
export function unwrapBulkItems(resource: string) {
  const collection = `${resource}s`;
  return async (request: FastifyRequest): Promise<void> => {
    const body = request.body as Record<string, unknown> | null | undefined;
    const items = body?.[collection];
    if (!body || !Array.isArray(items)) return;
    body[collection] = items.map((item) =>
      item !== null && typeof item === "object" && !Array.isArray(item) && resource in item
        ? (item as Record<string, unknown>)[resource]
        : item,
    );
  };
}
