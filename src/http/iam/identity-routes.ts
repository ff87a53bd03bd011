import type { FastifyInstance } from "fastify";
import { SYSTEM_ROLES } from "../../domain/iam/roles.js";
import type { UseCaseContext } from "../../usecases/context.js";
import {
  createAccessKey,
  deleteAccessKey,
  listAccessKeys,
  showAccessKey,
  updateAccessKey,
} from "../../usecases/iam/credentials.js";
import {
  addUserToGroup,
  checkRole,
  createGroup,
  grantRole,
  listGroups,
  revokeRole,
} from "../../usecases/iam/groups.js";
import { createProject } from "../../usecases/iam/list-projects.js";
import { changePassword, createUser, deleteUser, listUsers, showUser, updateUser } from "../../usecases/iam/users.js";
import { baseUrlOf } from "../base-url.js";
import { noContent, ok } from "../openapi/answers.js";
import { act, actOrSelf, SELF } from "../permission.js";
import type { RouteErrors } from "../request-context.js";
import { callerOf } from "../request-context.js";
import { iamAnswers } from "./answers.js";
import {
  changePasswordSchema,
  createCredentialSchema,
  createGroupSchema,
  createProjectSchema,
  createUserSchema,
  listCredentialsQuerySchema,
  listGroupsQuerySchema,
  listRolesQuerySchema,
  listUsersQuerySchema,
  updateCredentialSchema,
  updateUserSchema,
} from "./identity-schemas.js";
import { credentialBody, groupBody, projectBody, roleBody, userBody } from "./mappers.js";

const errors: RouteErrors = {
  invalid: "iamInvalidRequest",
  blank: "iamInvalidRequest",
  internal: "iamInternal",
  busy: "iamInternal",
};

/** PUT routes that take no body (membership, grants): no body is no error. */
const bodiless: RouteErrors = { invalid: "iamInvalidRequest", internal: "iamInternal", busy: "iamInternal" };

type GrantParams = { project_id: string; group_id: string; role_id: string };

const links = (self: string) => ({ self, previous: null, next: null });

/** IAM's projects (create), users, user groups, role grants, roles and permanent access keys. */
export function identityRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: { project: { name: string; parent_id?: string; domain_id?: string; description?: string } } }>(
      "/v3/projects",
      {
        schema: {
          operationId: "keystoneCreateProject",
          tags: ["IAM"],
          summary: "Create a project under a region project of the caller's account",
          response: ok(iamAnswers.project, 201),
          body: createProjectSchema,
        },
        config: { permission: act("iam:projects:createProject"), raises: ["iamConflict"], errors },
      },
      async (request, reply) => {
        const { name, parent_id, domain_id, description } = request.body.project;
        const project = await createProject(context, callerOf(request), {
          name,
          parentId: parent_id,
          domainId: domain_id,
          description,
        });
        return reply.code(201).send({ project: projectBody(project, baseUrlOf(request)) });
      },
    );

    // Users
    app.post<{
      Body: { user: { name: string; password?: string; domain_id?: string; enabled?: boolean; description?: string } };
    }>(
      "/v3.0/OS-USER/users",
      {
        schema: {
          operationId: "createUser",
          tags: ["IAM"],
          summary: "Create an IAM user",
          response: ok(iamAnswers.user, 201),
          body: createUserSchema,
        },
        config: { permission: act("iam:users:createUser"), raises: ["iamConflict"], errors },
      },
      async (request, reply) => {
        const { name, password, domain_id, enabled, description } = request.body.user;
        const user = await createUser(context, callerOf(request), {
          name,
          password,
          domainId: domain_id,
          enabled,
          description,
        });
        return reply.code(201).send({ user: userBody(user, baseUrlOf(request)) });
      },
    );
    app.get<{ Querystring: { name?: string; enabled?: boolean; domain_id?: string } }>(
      "/v3/users",
      {
        schema: {
          operationId: "keystoneListUsers",
          tags: ["IAM"],
          summary: "List the account's users",
          response: ok(iamAnswers.users),
          querystring: listUsersQuerySchema,
        },
        config: { permission: act("iam:users:listUsers"), errors },
      },
      async (request) => {
        const baseUrl = baseUrlOf(request);
        const { name, enabled, domain_id } = request.query;
        const users = await listUsers(context, callerOf(request), { name, enabled, domainId: domain_id });
        return { users: users.map((user) => userBody(user, baseUrl)), links: links(`${baseUrl}/v3/users`) };
      },
    );
    app.get<{ Params: { user_id: string } }>(
      "/v3/users/:user_id",
      {
        schema: {
          operationId: "keystoneShowUser",
          tags: ["IAM"],
          summary: "Show a user (a user may show itself)",
          response: ok(iamAnswers.user),
        },
        config: { permission: actOrSelf("iam:users:getUser"), raises: ["iamUserNotFound"], errors },
      },
      async (request) => ({
        user: userBody(await showUser(context, callerOf(request), request.params.user_id), baseUrlOf(request)),
      }),
    );
    app.patch<{
      Params: { user_id: string };
      Body: { user: { name?: string; password?: string; enabled?: boolean; description?: string; domain_id?: string } };
    }>(
      "/v3/users/:user_id",
      {
        schema: {
          operationId: "keystoneUpdateUserByAdmin",
          tags: ["IAM"],
          summary: "Change a user's name, password, description or enabled flag",
          response: ok(iamAnswers.user),
          body: updateUserSchema,
        },
        config: { permission: act("iam:users:updateUser"), raises: ["iamUserNotFound", "iamConflict"], errors },
      },
      async (request) => {
        const { name, password, enabled, description, domain_id } = request.body.user;
        const user = await updateUser(context, callerOf(request), request.params.user_id, {
          name,
          password,
          enabled,
          description,
          domainId: domain_id,
        });
        return { user: userBody(user, baseUrlOf(request)) };
      },
    );
    app.delete<{ Params: { user_id: string } }>(
      "/v3/users/:user_id",
      {
        schema: {
          operationId: "keystoneDeleteUser",
          tags: ["IAM"],
          summary: "Delete a user with its access keys; its tokens stop at once",
          response: noContent,
        },
        config: { permission: act("iam:users:deleteUser"), raises: ["iamUserNotFound"], errors },
      },
      async (request, reply) => {
        await deleteUser(context, callerOf(request), request.params.user_id);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { user_id: string }; Body: { user: { original_password: string; password: string } } }>(
      "/v3/users/:user_id/password",
      {
        schema: {
          operationId: "keystoneUpdateUserPassword",
          tags: ["IAM"],
          summary: "Change one's own password",
          response: noContent,
          body: changePasswordSchema,
        },
        config: { permission: SELF, raises: ["iamPolicyDenied", "iamWrongCredentials", "iamUserNotFound"], errors },
      },
      async (request, reply) => {
        await changePassword(context, callerOf(request), request.params.user_id, {
          originalPassword: request.body.user.original_password,
          password: request.body.user.password,
        });
        return reply.code(204).send();
      },
    );

    // User groups and membership
    app.post<{ Body: { group: { name: string; description?: string; domain_id?: string } } }>(
      "/v3/groups",
      {
        schema: {
          operationId: "keystoneCreateGroup",
          tags: ["IAM"],
          summary: "Create a user group",
          response: ok(iamAnswers.group, 201),
          body: createGroupSchema,
        },
        config: { permission: act("iam:groups:createGroup"), raises: ["iamConflict"], errors },
      },
      async (request, reply) => {
        const { name, description, domain_id } = request.body.group;
        const group = await createGroup(context, callerOf(request), { name, description, domainId: domain_id });
        return reply.code(201).send({ group: groupBody(group, baseUrlOf(request)) });
      },
    );
    app.get<{ Querystring: { name?: string; domain_id?: string } }>(
      "/v3/groups",
      {
        schema: {
          operationId: "keystoneListGroups",
          tags: ["IAM"],
          summary: "List user groups",
          response: ok(iamAnswers.groups),
          querystring: listGroupsQuerySchema,
        },
        config: { permission: act("iam:groups:listGroups"), errors },
      },
      async (request) => {
        const baseUrl = baseUrlOf(request);
        const groups = await listGroups(context, callerOf(request), {
          name: request.query.name,
          domainId: request.query.domain_id,
        });
        return { groups: groups.map((group) => groupBody(group, baseUrl)), links: links(`${baseUrl}/v3/groups`) };
      },
    );
    app.put<{ Params: { group_id: string; user_id: string } }>(
      "/v3/groups/:group_id/users/:user_id",
      {
        schema: {
          operationId: "keystoneAddUserToGroup",
          tags: ["IAM"],
          summary: "Add a user to a user group",
          response: noContent,
        },
        config: {
          permission: act("iam:groups:addUserToGroup"),
          raises: ["iamGroupNotFound", "iamUserNotFound"],
          errors: bodiless,
        },
      },
      async (request, reply) => {
        await addUserToGroup(context, callerOf(request), request.params.group_id, request.params.user_id);
        return reply.code(204).send();
      },
    );

    // Roles and grants to a group on a project
    app.get<{ Querystring: { name?: string; display_name?: string; domain_id?: string; catalog?: string } }>(
      "/v3/roles",
      {
        schema: {
          operationId: "keystoneListPermissions",
          tags: ["IAM"],
          summary: "List the system roles and policies",
          response: ok(iamAnswers.roles),
          querystring: listRolesQuerySchema,
        },
        config: { permission: act("iam:roles:listRoles"), errors },
      },
      async (request) => {
        const baseUrl = baseUrlOf(request);
        const { name, display_name, domain_id, catalog } = request.query;
        // With domain_id only the account's custom policies are listed: ecs-vip has none.
        const roles =
          domain_id !== undefined
            ? []
            : SYSTEM_ROLES.filter(
                (role) =>
                  (name === undefined || role.name === name) &&
                  (display_name === undefined || role.displayName === display_name) &&
                  (catalog === undefined || role.catalog === catalog),
              );
        return {
          roles: roles.map((role) => roleBody(role, baseUrl)),
          links: links(`${baseUrl}/v3/roles`),
          total_number: roles.length,
        };
      },
    );
    const grantOf = (params: GrantParams) => ({
      projectId: params.project_id,
      groupId: params.group_id,
      roleId: params.role_id,
    });
    const grantPath = "/v3/projects/:project_id/groups/:group_id/roles/:role_id";
    app.put<{ Params: GrantParams }>(
      grantPath,
      {
        schema: {
          operationId: "keystoneAssociateGroupWithProjectPermission",
          tags: ["IAM"],
          summary: "Grant a role to a user group on a project",
          response: noContent,
        },
        config: {
          permission: act("iam:permissions:grantRoleToGroupOnProject"),
          raises: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound"],
          errors: bodiless,
        },
      },
      async (request, reply) => {
        await grantRole(context, callerOf(request), grantOf(request.params));
        return reply.code(204).send();
      },
    );
    app.delete<{ Params: GrantParams }>(
      grantPath,
      {
        schema: {
          operationId: "keystoneRemoveProjectPermissionFromGroup",
          tags: ["IAM"],
          summary: "Take a role from a user group on a project",
          response: noContent,
        },
        config: {
          permission: act("iam:permissions:revokeRoleFromGroupOnProject"),
          raises: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound", "iamGrantNotFound"],
          errors,
        },
      },
      async (request, reply) => {
        await revokeRole(context, callerOf(request), grantOf(request.params));
        return reply.code(204).send();
      },
    );
    app.head<{ Params: GrantParams }>(
      grantPath,
      {
        schema: {
          operationId: "keystoneCheckProjectPermissionForGroup",
          tags: ["IAM"],
          summary: "Whether a user group holds a role on a project",
          response: noContent,
        },
        config: {
          permission: act("iam:permissions:checkRoleForGroupOnProject"),
          raises: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound", "iamGrantNotFound"],
          errors,
        },
      },
      async (request, reply) => {
        await checkRole(context, callerOf(request), grantOf(request.params));
        return reply.code(204).send();
      },
    );

    // Permanent access keys
    const credentials = "/v3.0/OS-CREDENTIAL/credentials";
    const credential = "/v3.0/OS-CREDENTIAL/credentials/:access_key";
    app.post<{ Body: { credential: { user_id: string; description?: string } } }>(
      credentials,
      {
        schema: {
          operationId: "createPermanentAccessKey",
          tags: ["IAM"],
          summary: "Create a permanent access key (the secret is shown once)",
          response: ok(iamAnswers.credential, 201),
          body: createCredentialSchema,
        },
        config: {
          permission: actOrSelf("iam:credentials:createCredential"),
          raises: ["iamPolicyDenied", "iamUserNotFound", "iamAccessKeyQuota"],
          errors,
        },
      },
      async (request, reply) => {
        const { user_id, description } = request.body.credential;
        const key = await createAccessKey(context, callerOf(request), { userId: user_id, description });
        return reply.code(201).send({ credential: credentialBody(key, true) });
      },
    );
    app.get<{ Querystring: { user_id?: string } }>(
      credentials,
      {
        schema: {
          operationId: "listPermanentAccessKeys",
          tags: ["IAM"],
          summary: "List a user's permanent access keys (the caller's by default)",
          response: ok(iamAnswers.credentials),
          querystring: listCredentialsQuerySchema,
        },
        config: {
          permission: actOrSelf("iam:credentials:listCredentials"),
          raises: ["iamPolicyDenied", "iamUserNotFound"],
          errors,
        },
      },
      async (request) => {
        const keys = await listAccessKeys(context, callerOf(request), request.query.user_id);
        return { credentials: keys.map((key) => credentialBody(key, false)) };
      },
    );
    app.get<{ Params: { access_key: string } }>(
      credential,
      {
        schema: {
          operationId: "showPermanentAccessKey",
          tags: ["IAM"],
          summary: "Show a permanent access key",
          response: ok(iamAnswers.credential),
        },
        config: {
          permission: actOrSelf("iam:credentials:getCredential"),
          raises: ["iamPolicyDenied", "iamCredentialNotFound"],
          errors,
        },
      },
      async (request) => ({
        credential: credentialBody(await showAccessKey(context, callerOf(request), request.params.access_key), false),
      }),
    );
    app.put<{
      Params: { access_key: string };
      Body: { credential: { status?: "active" | "inactive"; description?: string } };
    }>(
      credential,
      {
        schema: {
          operationId: "updatePermanentAccessKey",
          tags: ["IAM"],
          summary: "Activate or deactivate a permanent access key, or change its description",
          response: ok(iamAnswers.credential),
          body: updateCredentialSchema,
        },
        config: {
          permission: actOrSelf("iam:credentials:updateCredential"),
          raises: ["iamPolicyDenied", "iamCredentialNotFound"],
          errors,
        },
      },
      async (request) => {
        const key = await updateAccessKey(
          context,
          callerOf(request),
          request.params.access_key,
          request.body.credential,
        );
        return { credential: credentialBody(key, false) };
      },
    );
    app.delete<{ Params: { access_key: string } }>(
      credential,
      {
        schema: {
          operationId: "deletePermanentAccessKey",
          tags: ["IAM"],
          summary: "Delete a permanent access key; it stops signing at once",
          response: noContent,
        },
        config: {
          permission: actOrSelf("iam:credentials:deleteCredential"),
          raises: ["iamPolicyDenied", "iamCredentialNotFound"],
          errors,
        },
      },
      async (request, reply) => {
        await deleteAccessKey(context, callerOf(request), request.params.access_key);
        return reply.code(204).send();
      },
    );
  };
}
