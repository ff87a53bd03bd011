/**
 * Counts authentication failures per key (an access key, a user name) and locks the key once `threshold` failures
 * fall within `windowMs` (Infinity: consecutive failures, only a success clears them). Kept in this process's memory:
 * each server process on a shared store counts on its own.
 */
export class FailureLock {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly lockMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the key stays locked, 0 when it is not. */
  lockedFor(key: string): number {
    const until = this.lockedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.lockedUntil.delete(key);
    return 0;
  }

  /** Notes one failure; true when it locked the key. */
  fail(key: string): boolean {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    recent.push(now);
    if (recent.length >= this.threshold) {
      this.failures.delete(key);
      this.lockedUntil.set(key, now + this.lockMs);
      return true;
    }
    this.failures.set(key, recent);
    this.prune(now);
    return false;
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  /** Keeps memory bounded under a flood of distinct keys: forgets failures older than the window. */
  private prune(now: number): void {
    if (this.failures.size < 10_000) return;
    for (const [key, times] of this.failures) {
      if (times.every((at) => now - at >= this.windowMs) || !Number.isFinite(this.windowMs)) this.failures.delete(key);
    }
  }
}
