import { ERRORS, type ErrorId, type ErrorSpec } from "./registry.js";

/** A failure the cloud reports to its caller; `id` names its entry in the registry. */
export class CloudError extends Error {
  readonly spec: ErrorSpec;

  constructor(
    readonly id: ErrorId,
    detail?: string,
  ) {
    const spec = ERRORS[id];
    super(detail ?? spec.message);
    this.name = "CloudError";
    this.spec = spec;
  }
}

export function fail(id: ErrorId, detail?: string): never {
  throw new CloudError(id, detail);
}
