import { randomUUID } from "node:crypto";
import { ERRORS, type ErrorId } from "../errors/registry.js";

/** A rule as users write it (file, API, CLI): snake_case keys, exactly one action, optionally bounded. */
export interface FaultRuleInput {
  /** An operationId from the OpenAPI document, or `*` for every API operation. */
  operation: string;
  /** A project id; absent (or `*`) for every project. */
  project?: string;
  /** A registry error code: answered with its status and envelope. */
  error?: string;
  latency_ms?: number;
  drop?: boolean;
  /** Fires this many times, then is gone. */
  count?: number;
  /** Fires for this long after it is added, then is gone. */
  for_seconds?: number;
}

export type FaultAction = { kind: "error"; errorId: ErrorId } | { kind: "latency"; ms: number } | { kind: "drop" };

export interface FaultRule {
  id: string;
  operation: string;
  project?: string;
  action: FaultAction;
  input: FaultRuleInput;
  remaining?: number;
  expiresAt?: number;
  injected: number;
}

export class FaultRuleError extends Error {}

/** The registry entry a cloud code names (the first, where a code has several statuses). */
export function errorIdOfCode(code: string): ErrorId | undefined {
  return (Object.keys(ERRORS) as ErrorId[]).find((id) => ERRORS[id].code === code);
}

function actionOf(input: FaultRuleInput): FaultAction {
  const actions = [input.error !== undefined, input.latency_ms !== undefined, input.drop === true].filter(Boolean);
  if (actions.length !== 1) throw new FaultRuleError("a fault rule needs exactly one of error, latency_ms, drop");
  if (input.error !== undefined) {
    const errorId = errorIdOfCode(input.error);
    if (!errorId) throw new FaultRuleError(`unknown error code ${input.error}`);
    return { kind: "error", errorId };
  }
  if (input.latency_ms !== undefined) {
    if (!Number.isInteger(input.latency_ms) || input.latency_ms < 0 || input.latency_ms > 600_000) {
      throw new FaultRuleError("latency_ms must be an integer from 0 to 600000");
    }
    return { kind: "latency", ms: input.latency_ms };
  }
  return { kind: "drop" };
}

const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) > 0;

/**
 * The fault rules of one server process, in the order they were added; the first rule matching a request fires.
 * Plain memory: rules are per process and gone on restart (the `--faults` file sets them again).
 */
export class FaultRules {
  private rules: FaultRule[] = [];

  constructor(
    /** Operation ids a rule may name; undefined accepts any. */
    private readonly knownOperations?: () => ReadonlySet<string>,
  ) {}

  add(input: FaultRuleInput, now = Date.now()): FaultRule {
    if (typeof input.operation !== "string" || input.operation === "") {
      throw new FaultRuleError("a fault rule needs an operation (an operationId, or *)");
    }
    const known = this.knownOperations?.();
    if (input.operation !== "*" && known && !known.has(input.operation)) {
      throw new FaultRuleError(`unknown operation ${input.operation} (see operationId in /openapi.json)`);
    }
    const action = actionOf(input);
    if (input.count !== undefined && input.for_seconds !== undefined) {
      throw new FaultRuleError("give count or for_seconds, not both");
    }
    if (input.count !== undefined && !positiveInteger(input.count)) {
      throw new FaultRuleError("count must be a positive integer");
    }
    if (input.for_seconds !== undefined && !positiveInteger(input.for_seconds)) {
      throw new FaultRuleError("for_seconds must be a positive integer");
    }
    const project = input.project === undefined || input.project === "*" ? undefined : input.project;
    const rule: FaultRule = {
      id: randomUUID(),
      operation: input.operation,
      project,
      action,
      input: { ...input },
      remaining: input.count,
      expiresAt: input.for_seconds === undefined ? undefined : now + input.for_seconds * 1000,
      injected: 0,
    };
    this.rules.push(rule);
    return rule;
  }

  list(now = Date.now()): FaultRule[] {
    this.expire(now);
    return [...this.rules];
  }

  /** Removes every rule; returns how many there were. */
  clear(): number {
    const count = this.rules.length;
    this.rules = [];
    return count;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length < before;
  }

  /** The rule that fires for this request, if any; a fired rule's count goes down (and it goes at zero). */
  take(operation: string, project: string | undefined, now = Date.now()): FaultRule | undefined {
    this.expire(now);
    const rule = this.rules.find(
      (candidate) =>
        (candidate.operation === "*" || candidate.operation === operation) &&
        (candidate.project === undefined || candidate.project === project),
    );
    if (!rule) return undefined;
    rule.injected++;
    if (rule.remaining !== undefined) {
      rule.remaining--;
      if (rule.remaining <= 0) this.remove(rule.id);
    }
    return rule;
  }

  private expire(now: number): void {
    if (this.rules.some((rule) => rule.expiresAt !== undefined && rule.expiresAt <= now)) {
      this.rules = this.rules.filter((rule) => rule.expiresAt === undefined || rule.expiresAt > now);
    }
  }
}

/** A rule as the API and CLI show it. */
export function faultRuleBody(rule: FaultRule) {
  return {
    id: rule.id,
    operation: rule.operation,
    project: rule.project ?? "*",
    ...(rule.action.kind === "error" ? { error: ERRORS[rule.action.errorId].code } : {}),
    ...(rule.action.kind === "latency" ? { latency_ms: rule.action.ms } : {}),
    ...(rule.action.kind === "drop" ? { drop: true } : {}),
    ...(rule.input.count !== undefined ? { count: rule.input.count } : {}),
    ...(rule.input.for_seconds !== undefined ? { for_seconds: rule.input.for_seconds } : {}),
    remaining: rule.remaining ?? null,
    expires_at: rule.expiresAt === undefined ? null : new Date(rule.expiresAt).toISOString(),
    injected: rule.injected,
  };
}
