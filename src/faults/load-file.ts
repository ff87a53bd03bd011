import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { FaultRuleInput } from "./rules.js";

/**
 * The rules of a `--faults FILE`: JSON or YAML (YAML reads JSON too), either a list of rules or `{ rules: [...] }`.
 * Each rule is checked when the server adds it, with the same rules as the admin endpoint.
 */
export function loadFaultFile(path: string): FaultRuleInput[] {
  const document: unknown = parse(readFileSync(path, "utf8"));
  const rules = Array.isArray(document) ? document : (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new Error(`${path}: expected a list of fault rules, or { rules: [...] }`);
  for (const rule of rules) {
    if (!rule || typeof rule !== "object" || Array.isArray(rule))
      throw new Error(`${path}: a fault rule must be an object`);
  }
  return rules as FaultRuleInput[];
}
