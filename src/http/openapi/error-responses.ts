import { type Envelope, ERRORS, type ErrorId } from "../../errors/registry.js";

type Schema = Record<string, unknown>;

const str = { type: "string" };

/** The JSON schema of one envelope (as `render.ts` writes it) whose code is one of `codes`. */
export function envelopeSchema(envelope: Envelope, codes: string[]): Schema {
  const code = { type: "string", enum: codes };
  const object = (properties: Schema, required = Object.keys(properties)): Schema => ({
    type: "object",
    required,
    properties,
  });
  switch (envelope) {
    case "ecs":
      return object({ error: object({ code, message: str }) });
    case "vpc":
      return object({ code, message: str, error_code: code, error_msg: str });
    case "neutron":
      return object({ NeutronError: object({ type: code, message: str, detail: str }) });
    case "iam":
      return object({ error: object({ code, message: str, title: str }) });
    case "apigw":
      return object({ error_msg: str, error_code: code, request_id: str });
  }
}

/**
 * OpenAPI responses (Fastify schema form, keyed by status) for a set of registry errors: one envelope per status, or
 * `oneOf` several when a status is answered in more than one envelope; each envelope names its codes in an `enum`.
 */
export function errorResponses(ids: Iterable<ErrorId>): Record<string, Schema> {
  const byStatus = new Map<number, Map<Envelope, Set<string>>>();
  for (const id of ids) {
    const spec = ERRORS[id];
    const envelopes = byStatus.get(spec.status) ?? new Map<Envelope, Set<string>>();
    byStatus.set(spec.status, envelopes);
    const codes = envelopes.get(spec.envelope) ?? new Set<string>();
    envelopes.set(spec.envelope, codes);
    codes.add(spec.code);
  }
  const responses: Record<string, Schema> = {};
  for (const [status, envelopes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schemas = [...envelopes].map(([envelope, codes]) => envelopeSchema(envelope, [...codes].sort()));
    const allCodes = [...envelopes.values()].flatMap((codes) => [...codes]).sort();
    const description = `Error: ${allCodes.join(", ")}`;
    responses[String(status)] = schemas.length === 1 ? { description, ...schemas[0] } : { description, oneOf: schemas };
  }
  return responses;
}
