import { fail } from "../../errors/cloud-error.js";

/** `If-Match: revision_number=N` (Neutron's revision-if-match): the change applies only to that revision (412). */
export function refuseStale(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    fail(
      "neutronRevisionMismatch",
      `Constrained revision number ${expected} does not match the current revision ${current}.`,
    );
  }
}
