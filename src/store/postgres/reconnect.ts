import { StoreUnavailableError } from "../errors.js";

/** Runs of a unit of work whose connection failed before it could commit: the first, and one on a new connection. */
const ATTEMPTS = 2;

/**
 * Re-runs a unit of work once when its connection broke before COMMIT was sent (so it did not commit): a pooled
 * connection may have died unseen (a restarted server, a failover), and a fresh one, on the next host if need be,
 * usually just works. Anything else, and a second failure, reaches the caller as it is.
 */
export async function withReconnect<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || !error.retryable || n >= ATTEMPTS) throw error;
    }
  }
}
