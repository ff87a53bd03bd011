const named = {
  type: "object",
  properties: { id: { type: "string" }, name: { type: "string" } },
} as const;

export const tokenRequestSchema = {
  type: "object",
  required: ["auth"],
  properties: {
    auth: {
      type: "object",
      required: ["identity"],
      properties: {
        identity: {
          type: "object",
          required: ["methods", "password"],
          properties: {
            methods: { type: "array", items: { type: "string" }, contains: { const: "password" } },
            password: {
              type: "object",
              required: ["user"],
              properties: {
                user: {
                  type: "object",
                  required: ["name", "password"],
                  properties: {
                    name: { type: "string", minLength: 1, maxLength: 255 },
                    password: { type: "string", maxLength: 1024 },
                    domain: named,
                  },
                },
              },
            },
          },
        },
        scope: {
          type: "object",
          properties: {
            project: { ...named, properties: { ...named.properties, domain: named } },
            domain: named,
          },
        },
      },
    },
  },
} as const;

export const listProjectsQuerySchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    id: { type: "string" },
    domain_id: { type: "string" },
    enabled: { type: "boolean" },
    page: { type: "integer", minimum: 1 },
    per_page: { type: "integer", minimum: 1, maximum: 5000 },
  },
} as const;

export interface TokenRequest {
  auth: {
    identity: {
      methods: string[];
      password: { user: { name: string; password: string; domain?: { id?: string; name?: string } } };
    };
    scope?: { project?: { id?: string; name?: string }; domain?: { id?: string; name?: string } };
  };
}
