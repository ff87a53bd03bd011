import type { FastifyInstance } from "fastify";
import type { UseCaseContext } from "../../usecases/context.js";
import type { IdentityCache } from "../../usecases/iam/authenticate.js";
import { issuePasswordToken } from "../../usecases/iam/issue-token.js";
import { listProjects, showProject } from "../../usecases/iam/list-projects.js";
import { baseUrlOf } from "../base-url.js";
import { neutronAnswers } from "../neutron/answers.js";
import { neutronVersions } from "../neutron/versions.js";
import { ok } from "../openapi/answers.js";
import { act, PUBLIC } from "../permission.js";
import { sendError } from "../plugins/error-handler.js";
import type { RouteErrors } from "../request-context.js";
import { callerOf } from "../request-context.js";
import { iamAnswers } from "./answers.js";
import { projectBody, tokenBody } from "./mappers.js";
import { listProjectsQuerySchema, type TokenRequest, tokenRequestSchema } from "./schemas.js";

const errors: RouteErrors = {
  invalid: "iamInvalidRequest",
  blank: "iamInvalidRequest",
  internal: "iamInternal",
  busy: "iamInternal",
};

function versionDocument(baseUrl: string) {
  return {
    id: "v3.14",
    status: "stable",
    updated: "2026-01-01T00:00:00Z",
    links: [{ rel: "self", href: `${baseUrl}/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

export function iamRoutes(context: UseCaseContext, cache: IdentityCache) {
  return async (app: FastifyInstance) => {
    // Version discovery: keystone clients read these without a token and hang on a 401. The root is Neutron's
    // endpoint too: Neutron's clients ask with their token and want 200 and Neutron's one version.
    app.get(
      "/",
      {
        schema: {
          operationId: "listIdentityVersions",
          tags: ["IAM"],
          summary: "Version discovery: Keystone's (300) without a token, Neutron's (200) with one",
          response: { ...ok(iamAnswers.versions, 300), ...ok(neutronAnswers.versions) },
        },
        config: { permission: PUBLIC, errors },
      },
      async (request, reply) => {
        if (request.headers["x-auth-token"] !== undefined) return neutronVersions(baseUrlOf(request));
        return reply.code(300).send({ versions: { values: [versionDocument(baseUrlOf(request))] } });
      },
    );
    app.get(
      "/v3",
      {
        schema: {
          operationId: "showIdentityVersion",
          tags: ["IAM"],
          summary: "Identity v3 version document",
          response: ok(iamAnswers.version),
        },
        config: { permission: PUBLIC, errors },
      },
      async (request) => ({
        version: versionDocument(baseUrlOf(request)),
      }),
    );

    app.post<{ Body: TokenRequest; Querystring: { nocatalog?: string } }>(
      "/v3/auth/tokens",
      // Reachable without credentials: a small body limit, the token request is a few hundred bytes.
      {
        schema: {
          operationId: "createUserTokenByPassword",
          tags: ["IAM"],
          summary: "Issue a token for a user name and password (token in X-Subject-Token)",
          response: ok(iamAnswers.token, 201),
          body: tokenRequestSchema,
        },
        config: { permission: PUBLIC, raises: ["iamWrongCredentials", "iamProjectNotFound", "iamUserLocked"], errors },
        bodyLimit: 64 * 1024,
      },
      async (request, reply) => {
        const { user } = request.body.auth.identity.password;
        const scope = request.body.auth.scope?.project;
        const issued = await issuePasswordToken(context, cache, {
          userName: user.name,
          password: user.password,
          domain: user.domain ?? {},
          scope: { projectId: scope?.id, projectName: scope?.name },
        });
        const withCatalog = !request.query.nocatalog;
        return reply
          .code(201)
          .header("X-Subject-Token", issued.token)
          .send(tokenBody(issued, baseUrlOf(request), withCatalog));
      },
    );

    app.get<{ Querystring: { name?: string; id?: string } }>(
      "/v3/projects",
      {
        schema: {
          operationId: "listProjects",
          tags: ["IAM"],
          summary: "List the caller's projects",
          response: ok(iamAnswers.projects),
          querystring: listProjectsQuerySchema,
        },
        config: { permission: act("iam:projects:listProjects"), errors },
      },
      async (request) => {
        const baseUrl = baseUrlOf(request);
        const projects = await listProjects(context, callerOf(request), request.query);
        return {
          projects: projects.map((project) => projectBody(project, baseUrl)),
          links: { self: `${baseUrl}/v3/projects`, previous: null, next: null },
        };
      },
    );

    // `:project_id` like the grant routes below it (one name per path segment for the router).
    app.get<{ Params: { project_id: string } }>(
      "/v3/projects/:project_id",
      {
        schema: {
          operationId: "showProject",
          tags: ["IAM"],
          summary: "Show a project",
          response: ok(iamAnswers.project),
        },
        config: { permission: act("iam:projects:getProject"), raises: ["iamProjectUnknown"], errors },
      },
      async (request, reply) => {
        const project = await showProject(context, callerOf(request), request.params.project_id);
        if (!project) return sendError(reply, "iamProjectUnknown");
        return { project: projectBody(project, baseUrlOf(request)) };
      },
    );
  };
}
