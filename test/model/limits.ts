import type { Limits } from "../../src/domain/limits.js";
import type { ModelLimits } from "./cloud-model.js";

/** Small limits, so that sequences of a few dozen requests reach them: 3 pairs per port, 3 NICs per server. */
export const MODEL_LIMITS: ModelLimits = { maxPairs: 3, maxNicsPerServer: 3, maxPrivateIpsPerRequest: 20 };

/** The same limits for the app; servers leave BUILD as soon as their job is polled. */
export function modelAppLimits(): Partial<Limits> {
  return {
    maxAddressPairs: MODEL_LIMITS.maxPairs,
    maxNicsPerServer: MODEL_LIMITS.maxNicsPerServer,
    maxPrivateIpsPerRequest: MODEL_LIMITS.maxPrivateIpsPerRequest,
    serverBuildMs: 0,
  };
}
