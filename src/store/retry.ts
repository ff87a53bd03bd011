import { StoreConflictError, StoreRetriesExhaustedError } from "./errors.js";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 2, maxDelayMs: 100 };

/** Re-runs `attempt` while it fails with a conflict, waiting a jittered, exponentially growing delay between runs. */
export async function withConflictRetry<T>(attempt: () => Promise<T>, policy = DEFAULT_RETRY): Promise<T> {
  let lastConflict: unknown;
  for (let n = 0; n < policy.attempts; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      lastConflict = error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
  throw new StoreRetriesExhaustedError(policy.attempts, lastConflict);
}
