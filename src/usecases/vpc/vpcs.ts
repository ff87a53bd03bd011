import type { Vpc } from "../../domain/model.js";
import { parseVpcCidr } from "../../domain/vpc/address-space.js";
import { fail } from "../../errors/cloud-error.js";
import type { Page, Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";

export async function createVpc(
  context: UseCaseContext,
  caller: Caller,
  input: { name: string; description: string; cidr?: string },
): Promise<Vpc> {
  let cidr = "";
  if (input.cidr !== undefined && input.cidr !== "") {
    const parsed = parseVpcCidr(input.cidr);
    if (!parsed || parsed.text !== input.cidr) fail("vpcInvalidParameter", `cidr ${input.cidr} is invalid.`);
    cidr = parsed.text;
  }
  const vpc: Vpc = {
    id: context.newId(),
    projectId: caller.projectId,
    name: input.name,
    description: input.description,
    cidr,
    status: "OK",
    createdAt: isoNow(context),
  };
  await context.store.write(async (tx) => {
    if ((await tx.admin.projectUsage(caller.projectId)).vpcs >= context.limits.quotas.vpc) fail("vpcQuotaExceeded");
    await refuseTakenName(tx, caller.projectId, vpc.name, vpc.id);
    await tx.networks.insertVpc(vpc);
  });
  return vpc;
}

/**
 * A project's VPC names are unique unless blank (VPC.0115). The store's unique index keeps two racing requests
 * apart: the loser is run again and stops here.
 */
export async function refuseTakenName(tx: Tx, projectId: string, name: string, ownId: string): Promise<void> {
  if (name === "") return;
  const vpcs = await tx.networks.listVpcs(projectId, { limit: Number.MAX_SAFE_INTEGER });
  if (vpcs.some((other) => other.name === name && other.id !== ownId)) {
    fail("vpcNameExists");
  }
}

export async function showVpc(context: UseCaseContext, caller: Caller, id: string): Promise<Vpc> {
  const vpc = await context.store.read((tx) => tx.networks.getVpc(id));
  if (!vpc || vpc.projectId !== caller.projectId) fail("vpcNotFound");
  return vpc;
}

export async function listVpcs(context: UseCaseContext, caller: Caller, page: Page): Promise<Vpc[]> {
  return context.store.read((tx) => tx.networks.listVpcs(caller.projectId, page));
}

export async function deleteVpc(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const vpc = await tx.networks.getVpc(id, { forUpdate: true });
    if (!vpc || vpc.projectId !== caller.projectId) fail("vpcNotFound");
    if ((await tx.networks.listSubnetsOfVpc(id)).length > 0) fail("vpcHasSubnets");
    await tx.networks.deleteVpc(id);
  });
}
