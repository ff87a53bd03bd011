import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../context.js";
import { isAccountAdmin } from "../iam/is-admin.js";
import { showProject } from "../iam/list-projects.js";

/**
 * Whom a Neutron create acts for when its body names a project (`project_id` / `tenant_id`): the caller itself for
 * its own project; for the account's administrators (who may act on every project of the account) any project of the
 * account that exists, as if that project had asked. Neutron's refusals otherwise: a non-admin naming another project,
 * and a project that does not exist (another account's projects do not exist for this caller), are 400 BadRequest.
 */
export async function actingFor(
  context: UseCaseContext,
  caller: Caller,
  projectId: string | undefined,
): Promise<Caller> {
  if (projectId === undefined || projectId === caller.projectId) return caller;
  if (!(await isAccountAdmin(context, caller))) {
    fail(
      "neutronBadRequest",
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
    );
  }
  const project = await showProject(context, caller, projectId);
  if (!project) fail("neutronBadRequest", `Project ${projectId} does not exist.`);
  return { ...caller, projectId: project.id };
}

/** `actingFor` for each item of a bulk create, looking each named project up once. */
export async function actingForEach(
  context: UseCaseContext,
  caller: Caller,
  projectIds: readonly (string | undefined)[],
): Promise<Caller[]> {
  const resolved = new Map<string | undefined, Caller>();
  const callers: Caller[] = [];
  for (const projectId of projectIds) {
    let acting = resolved.get(projectId);
    if (!acting) {
      acting = await actingFor(context, caller, projectId);
      resolved.set(projectId, acting);
    }
    callers.push(acting);
  }
  return callers;
}
