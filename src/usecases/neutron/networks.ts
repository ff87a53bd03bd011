import type { Network, Subnet } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";

/** A network with the subnets it holds (a VPC v1 subnet's network holds exactly that subnet). */
export interface NetworkView {
  network: Network;
  subnets: Subnet[];
}

async function viewOf(tx: Tx, network: Network): Promise<NetworkView> {
  return { network, subnets: await tx.listSubnetsOfNetwork(network.id) };
}

export async function showNetwork(context: UseCaseContext, caller: Caller, id: string): Promise<NetworkView> {
  return context.store.read(async (tx) => {
    const network = await tx.getNetwork(id);
    if (!network || network.projectId !== caller.projectId)
      fail("networkNotFound", `Network ${id} could not be found.`);
    return viewOf(tx, network);
  });
}

/** `name` also matches an id, as the OpenStack client looks a network up by name or id with one query. */
export async function listNetworks(
  context: UseCaseContext,
  caller: Caller,
  filter: { name?: string },
): Promise<NetworkView[]> {
  return context.store.read(async (tx) => {
    const networks = await tx.listNetworks(caller.projectId, {});
    const views: NetworkView[] = [];
    for (const network of networks) {
      if (filter.name === undefined || network.name === filter.name || network.id === filter.name) {
        views.push(await viewOf(tx, network));
      }
    }
    return views;
  });
}
