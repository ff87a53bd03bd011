import type { Subnet } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Caller, UseCaseContext } from "../context.js";

/** A VPC v1 subnet seen through Neutron: a network (its id) with one subnet (its neutron_subnet_id). */
export async function showNetwork(context: UseCaseContext, caller: Caller, id: string): Promise<Subnet> {
  const subnet = await context.store.read((tx) => tx.getSubnet(id));
  if (!subnet || subnet.projectId !== caller.projectId) fail("networkNotFound", `Network ${id} could not be found.`);
  return subnet;
}

export async function listNetworks(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string },
): Promise<Subnet[]> {
  const subnets = await context.store.read((tx) => tx.listSubnets(caller.projectId, { page: { limit: 2000 } }));
  return subnets.filter(
    (subnet) => filter.name === undefined || subnet.name === filter.name || subnet.id === filter.name,
  );
}
