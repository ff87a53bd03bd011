import type { Project } from "../../domain/model.js";
import type { Caller, UseCaseContext } from "../context.js";

export async function listProjects(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string; id?: string },
): Promise<Project[]> {
  return context.store.read((tx) => tx.listProjects(caller.accountId, filter));
}

export async function showProject(context: UseCaseContext, caller: Caller, id: string): Promise<Project | undefined> {
  const project = await context.store.read((tx) => tx.getProject(id));
  return project?.accountId === caller.accountId ? project : undefined;
}
