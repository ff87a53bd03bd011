import type { FastifyRequest } from "fastify";
import { fail } from "../../errors/cloud-error.js";

/**
 * `If-Match: revision_number=N` (Neutron's revision-if-match): the update applies only while the resource is at
 * revision N. Undefined when the header is absent.
 */
export function expectedRevision(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  if (header === undefined) return undefined;
  const text = [header].flat().join(",");
  const match = /^\s*revision_number=(-?\d{1,15})\s*$/.exec(text);
  if (!match) fail("neutronBadRequest", `Invalid If-Match header '${text}': expected revision_number=<number>.`);
  return Number(match[1]);
}
