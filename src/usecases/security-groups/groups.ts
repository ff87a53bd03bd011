import {
  DEFAULT_SECURITY_GROUP_NAME,
  type SecurityGroup,
  type SecurityGroupRule,
} from "../../domain/security-groups/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import type { SecurityGroupFilter } from "../../store/types.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { ensureDefaultSecurityGroup, insertNewSecurityGroup } from "./default-group.js";
import type { SecurityGroupErrors } from "./errors.js";

export interface SecurityGroupView {
  group: SecurityGroup;
  rules: SecurityGroupRule[];
}

export async function requireSecurityGroup(
  tx: Tx,
  caller: Caller,
  id: string,
  errors: SecurityGroupErrors,
  forUpdate = false,
): Promise<SecurityGroup> {
  const group = await tx.securityGroups.getGroup(id, { forUpdate });
  if (!group || group.projectId !== caller.projectId) fail(errors.notFound, `Security group ${id} does not exist.`);
  return group;
}

async function viewsOf(tx: Tx, caller: Caller, groups: SecurityGroup[]): Promise<SecurityGroupView[]> {
  const views: SecurityGroupView[] = [];
  for (const group of groups) {
    views.push({
      group,
      rules: await tx.securityGroups.listRules(caller.projectId, { securityGroupId: group.id }),
    });
  }
  return views;
}

/** Reads that show groups first make sure the default group exists (once per project, in a write of its own). */
async function withDefaultGroup(context: UseCaseContext, caller: Caller): Promise<void> {
  const present = await context.store.read((tx) => tx.securityGroups.getDefaultGroup(caller.projectId));
  if (!present) await context.store.write((tx) => ensureDefaultSecurityGroup(context, tx, caller.projectId));
}

export interface SecurityGroupInput {
  name: string;
  description: string;
  vpcId: string;
}

export async function createSecurityGroup(
  context: UseCaseContext,
  caller: Caller,
  input: SecurityGroupInput,
  errors: SecurityGroupErrors,
): Promise<SecurityGroupView> {
  const [view] = await createSecurityGroups(context, [caller], [input], errors);
  return view as SecurityGroupView;
}

/** Several groups in one unit of work (Neutron's bulk create): every one or none; `callers[i]` makes `inputs[i]`. */
export async function createSecurityGroups(
  context: UseCaseContext,
  callers: readonly Caller[],
  inputs: readonly SecurityGroupInput[],
  errors: SecurityGroupErrors,
): Promise<SecurityGroupView[]> {
  return context.store.write(async (tx) => {
    const views: SecurityGroupView[] = [];
    for (const [index, input] of inputs.entries()) {
      const caller = callers[index] as Caller;
      await ensureDefaultSecurityGroup(context, tx, caller.projectId);
      if (input.name === DEFAULT_SECURITY_GROUP_NAME)
        fail(errors.defaultNameTaken, "Default security group already exists.");
      if (input.vpcId !== "") {
        const vpc = await tx.networks.getVpc(input.vpcId);
        if (!vpc || vpc.projectId !== caller.projectId) fail(errors.invalid, `VPC ${input.vpcId} does not exist.`);
      }
      const group = await insertNewSecurityGroup(context, tx, { projectId: caller.projectId, ...input });
      views.push((await viewsOf(tx, caller, [group]))[0] as SecurityGroupView);
    }
    return views;
  });
}

export async function listSecurityGroups(
  context: UseCaseContext,
  caller: Caller,
  filter: SecurityGroupFilter,
): Promise<SecurityGroupView[]> {
  await withDefaultGroup(context, caller);
  return context.store.read(async (tx) =>
    viewsOf(tx, caller, await tx.securityGroups.listGroups(caller.projectId, filter)),
  );
}

export async function showSecurityGroup(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: SecurityGroupErrors,
): Promise<SecurityGroupView> {
  await withDefaultGroup(context, caller);
  return context.store.read(async (tx) => {
    const group = await requireSecurityGroup(tx, caller, id, errors);
    return (await viewsOf(tx, caller, [group]))[0] as SecurityGroupView;
  });
}

export async function updateSecurityGroup(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: { name?: string; description?: string },
  errors: SecurityGroupErrors,
  expectedRevision?: number,
): Promise<SecurityGroupView> {
  return context.store.write(async (tx) => {
    const group = await requireSecurityGroup(tx, caller, id, errors, true);
    if (expectedRevision !== undefined && expectedRevision !== group.revisionNumber) {
      fail(
        "neutronRevisionMismatch",
        `Constrained revision number ${expectedRevision} does not match the current revision ${group.revisionNumber}.`,
      );
    }
    const isDefault = (await tx.securityGroups.getDefaultGroup(caller.projectId))?.id === group.id;
    if (isDefault && input.name !== undefined && input.name !== group.name) {
      fail(errors.defaultUnchangeable, "Updating default security group name not allowed.");
    }
    if (!isDefault && input.name === DEFAULT_SECURITY_GROUP_NAME) {
      fail(errors.defaultNameTaken, "Default security group already exists.");
    }
    const next = { ...group, name: input.name ?? group.name, description: input.description ?? group.description };
    if (next.name !== group.name || next.description !== group.description) {
      next.revisionNumber = group.revisionNumber + 1;
      next.updatedAt = isoNow(context);
      await tx.securityGroups.updateGroup(next);
    }
    return (await viewsOf(tx, caller, [next]))[0] as SecurityGroupView;
  });
}

/** A group still holding ports is refused; its rules, and other groups' rules naming it, go with it. */
export async function deleteSecurityGroup(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: SecurityGroupErrors,
): Promise<void> {
  await context.store.write(async (tx) => {
    const group = await requireSecurityGroup(tx, caller, id, errors, true);
    if ((await tx.securityGroups.getDefaultGroup(caller.projectId))?.id === group.id) {
      fail(errors.defaultUndeletable, "Insufficient rights for removing default security group.");
    }
    if ((await tx.securityGroups.countPortsOfGroup(id)) > 0) fail(errors.inUse, `Security Group ${id} in use.`);
    await tx.securityGroups.deleteGroup(id);
  });
}
