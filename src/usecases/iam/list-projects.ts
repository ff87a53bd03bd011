import type { Project } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import { StoreConflictError } from "../../store/errors.js";
import type { Caller, UseCaseContext } from "../context.js";
import { ensureDefaultSecurityGroup } from "../security-groups/default-group.js";
import { randomHex } from "./accounts.js";
import { requireOwnAccount } from "./users.js";

export async function listProjects(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string; id?: string },
): Promise<Project[]> {
  return context.store.read((tx) => tx.iam.listProjects(caller.accountId, filter));
}

export async function showProject(context: UseCaseContext, caller: Caller, id: string): Promise<Project | undefined> {
  const project = await context.store.read((tx) => tx.iam.getProject(id));
  return project?.accountId === caller.accountId ? project : undefined;
}

/**
 * POST /v3/projects: a project of the caller's account under another of its projects (its region project): its name is
 * `<region project's name>_<suffix>` (parent_id names the region project). Names are unique in the whole store.
 */
export async function createProject(
  context: UseCaseContext,
  caller: Caller,
  input: { name: string; parentId?: string; domainId?: string; description?: string },
): Promise<Project> {
  requireOwnAccount(caller, input.domainId);
  const project: Project = {
    id: randomHex(16),
    accountId: caller.accountId,
    name: input.name,
    description: input.description ?? "",
  };
  await context.store
    .write(async (tx) => {
      const projects = await tx.iam.listProjects(caller.accountId, {});
      const parent =
        input.parentId !== undefined
          ? projects.find((p) => p.id === input.parentId)
          : projects.find((p) => input.name.startsWith(`${p.name}_`));
      if (!parent || !input.name.startsWith(`${parent.name}_`) || input.name.length <= parent.name.length + 1) {
        fail("iamInvalidRequest", 'The project name must start with the name of an existing region project and "_".');
      }
      const taken = await tx.iam.getProjectByName(input.name);
      if (taken) fail("iamConflict", "Duplicate project name.");
      await tx.iam.insertProject(project);
      await ensureDefaultSecurityGroup(context, tx, project.id);
    })
    .catch((error) => {
      if (error instanceof StoreConflictError) fail("iamConflict", "Duplicate project name.");
      throw error;
    });
  return project;
}
