import { CloudError } from "./cloud-error.js";

/** 429 `APIGW.0308`: the caller is over its rate; the answer says when to retry (`Retry-After`, whole seconds). */
export class ThrottledError extends CloudError {
  constructor(
    readonly retryAfterSeconds: number,
    detail?: string,
  ) {
    super("throttled", detail);
  }
}

export function throttle(retryAfterSeconds: number, detail?: string): never {
  throw new ThrottledError(Math.max(1, Math.ceil(retryAfterSeconds)), detail);
}
