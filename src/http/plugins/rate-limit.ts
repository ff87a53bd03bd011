import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TokenClaims } from "../../auth/tokens.js";
import { throttle } from "../../errors/throttled.js";
import { credentialsOf, type TokenCheck, tokenClaimsOf } from "../credentials.js";

/**
 * A token bucket per caller: `rate` tokens a second, at most `rate` banked (the burst). A request over it is answered
 * 429 `APIGW.0308` with `Retry-After` before anything else runs, so it changes nothing.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; 0 when granted, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.rate, at: now };
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      this.prune(now);
      return 0;
    }
    this.buckets.set(key, bucket);
    return (1 - bucket.tokens) / this.rate;
  }

  /** A bucket refilled to the brim is the same as no bucket: forget those when many callers came by. */
  private prune(now: number): void {
    if (this.buckets.size < 50_000) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.rate) this.buckets.delete(key);
    }
  }
}

/**
 * Who a request counts against, as the gateway counts: its access key, else the user of a valid token, else its
 * source address (a forged token counts against the address it came from, never against the user it names).
 */
function callerKey(request: FastifyRequest, claims: TokenClaims | undefined): string {
  const { signature } = credentialsOf(request);
  if (signature) return `ak:${signature.accessKey}`;
  if (claims) return `user:${claims.userId}`;
  return `addr:${request.ip}`;
}

export function registerRateLimit(app: FastifyInstance, rate: number, checkToken: TokenCheck): void {
  if (rate <= 0) return;
  const buckets = new TokenBuckets(rate);
  const take = (request: FastifyRequest, claims: TokenClaims | undefined) => {
    const wait = buckets.take(callerKey(request, claims));
    if (wait > 0) throttle(wait);
  };
  // With `done`, not async: once the token secret is known, a token's claims are known at once.
  app.addHook("onRequest", (request, _reply, done) => {
    const claims = credentialsOf(request).signature ? undefined : tokenClaimsOf(request, checkToken);
    if (!(claims instanceof Promise)) {
      take(request, claims);
      return done();
    }
    claims.then((known) => {
      try {
        take(request, known);
      } catch (error) {
        return done(error as Error);
      }
      done();
    }, done);
  });
}
