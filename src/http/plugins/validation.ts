import { Ajv } from "ajv";
import type { FastifyInstance } from "fastify";

/**
 * Bodies are checked strictly (a number is not a string, "true" is not a boolean), as the cloud does; path and
 * query parameters arrive as text and are coerced to the schema's types.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: true, strict: false });
  const coercing = new Ajv({ allErrors: false, coerceTypes: "array", useDefaults: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === "body" ? strict.compile(schema) : coercing.compile(schema),
  );
}
