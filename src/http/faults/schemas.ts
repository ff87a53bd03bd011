export const addFaultSchema = {
  type: "object",
  required: ["operation"],
  additionalProperties: false,
  properties: {
    operation: { type: "string", minLength: 1, maxLength: 128, description: "an operationId, or * for all" },
    project: { type: "string", minLength: 1, maxLength: 64, description: "a project id; all projects when absent" },
    error: { type: "string", minLength: 1, maxLength: 64, description: "a registry error code, e.g. Ecs.0010" },
    latency_ms: { type: "integer", minimum: 0, maximum: 600000 },
    drop: { type: "boolean", description: "close the connection without an answer" },
    count: { type: "integer", minimum: 1, maximum: 1000000 },
    for_seconds: { type: "integer", minimum: 1, maximum: 604800 },
  },
} as const;

export const ruleIdParamsSchema = {
  type: "object",
  required: ["rule_id"],
  properties: { rule_id: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
