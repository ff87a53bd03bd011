/** Fault injection's answers (for the OpenAPI document). */
import { arrayOf, bool, int, shape, wrap } from "../openapi/answers.js";

const faultRule = shape("id operation project error", {
  latency_ms: int,
  drop: bool,
  count: int,
  for_seconds: int,
  remaining: { type: ["integer", "null"] },
  expires_at: { type: ["string", "null"] },
  injected: int,
});

export const faultAnswers = {
  faultRule: wrap("rule", faultRule),
  faultRules: wrap("rules", arrayOf(faultRule)),
  faultsCleared: wrap("cleared", int),
};
