import type { FastifyInstance } from "fastify";
import { fail } from "../../errors/cloud-error.js";

/**
 * True when a string anywhere in `value` (keys included) holds a NUL. Iterative, one item at a time: any nesting
 * depth and any array length are fine (no recursion, no spreading of a long array into arguments).
 */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (item.includes("\u0000")) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) pending.push(child);
    } else if (item !== null && typeof item === "object") {
      // for…in over own keys, not Object.entries: no array of pairs allocated for every object of every request.
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        if (key.includes("\u0000")) return true;
        pending.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/**
 * Text with a NUL character is invalid input wherever it appears (path, query, body): no identifier or name can hold
 * one, and PostgreSQL cannot even store or compare it. Refused after authentication, in the route's own envelope,
 * the same on every store.
 */
export function registerTextGuard(app: FastifyInstance): void {
  // What `fail` throws here reaches the error handler as an async hook's rejection would.
  app.addHook("preValidation", (request, _reply, done) => {
    if (request.is404) return done();
    if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
      fail(request.routeOptions.config.errors?.invalid ?? "malformedRequest", "Text must not contain NUL characters.");
    }
    done();
  });
}
