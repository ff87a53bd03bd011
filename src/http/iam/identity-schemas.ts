/** Request schemas of IAM's users, groups, grants, roles, projects and permanent access keys. */
const id = { type: "string", minLength: 1, maxLength: 64 } as const;
const description = { type: "string", maxLength: 255 } as const;
const password = { type: "string", minLength: 1, maxLength: 128 } as const;

export const createProjectSchema = {
  type: "object",
  required: ["project"],
  properties: {
    project: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", minLength: 1, maxLength: 64 }, parent_id: id, domain_id: id, description },
    },
  },
} as const;

export const createUserSchema = {
  type: "object",
  required: ["user"],
  properties: {
    user: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 64 },
        password,
        domain_id: id,
        enabled: { type: "boolean" },
        description,
        email: { type: "string", maxLength: 255 },
        areacode: { type: "string", maxLength: 16 },
        phone: { type: "string", maxLength: 32 },
        pwd_status: { type: "boolean" },
        xuser_type: { type: "string", maxLength: 64 },
        xuser_id: { type: "string", maxLength: 128 },
        access_mode: { type: "string", enum: ["default", "programmatic", "console"] },
      },
    },
  },
} as const;

export const updateUserSchema = {
  type: "object",
  required: ["user"],
  properties: {
    user: {
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, maxLength: 64 },
        password,
        domain_id: id,
        enabled: { type: "boolean" },
        description,
        default_project_id: { type: "string", maxLength: 64 },
        pwd_status: { type: "boolean" },
      },
    },
  },
} as const;

export const changePasswordSchema = {
  type: "object",
  required: ["user"],
  properties: {
    user: {
      type: "object",
      required: ["original_password", "password"],
      properties: { original_password: password, password },
    },
  },
} as const;

export const listUsersQuerySchema = {
  type: "object",
  properties: {
    domain_id: id,
    name: { type: "string", maxLength: 64 },
    enabled: { type: "boolean" },
    password_expires_at: { type: "string", maxLength: 64 },
  },
} as const;

export const createGroupSchema = {
  type: "object",
  required: ["group"],
  properties: {
    group: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", minLength: 1, maxLength: 64 }, domain_id: id, description },
    },
  },
} as const;

export const listGroupsQuerySchema = {
  type: "object",
  properties: { domain_id: id, name: { type: "string", maxLength: 64 } },
} as const;

export const listRolesQuerySchema = {
  type: "object",
  properties: {
    domain_id: id,
    name: { type: "string", maxLength: 255 },
    display_name: { type: "string", maxLength: 255 },
    catalog: { type: "string", maxLength: 64 },
    type: { type: "string", maxLength: 8 },
    permission_type: { type: "string", maxLength: 16 },
    page: { type: "integer", minimum: 1 },
    per_page: { type: "integer", minimum: 1, maximum: 300 },
  },
} as const;

export const createCredentialSchema = {
  type: "object",
  required: ["credential"],
  properties: {
    credential: { type: "object", required: ["user_id"], properties: { user_id: id, description } },
  },
} as const;

export const updateCredentialSchema = {
  type: "object",
  required: ["credential"],
  properties: {
    credential: {
      type: "object",
      properties: { status: { type: "string", enum: ["active", "inactive"] }, description },
    },
  },
} as const;

export const listCredentialsQuerySchema = {
  type: "object",
  properties: { user_id: id },
} as const;
