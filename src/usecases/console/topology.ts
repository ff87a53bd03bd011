import { buildTopology, type Topology } from "../../domain/topology/project-topology.js";
import type { Page, Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";

const PAGE = 1000;

/** Reads every page of a marker-paged list. */
async function all<T extends { id: string }>(list: (page: Page) => Promise<T[]>): Promise<T[]> {
  const items: T[] = [];
  for (let marker: string | undefined; ; ) {
    const page = await list({ limit: PAGE, marker });
    items.push(...page);
    if (page.length < PAGE) return items;
    marker = page[page.length - 1]?.id;
  }
}

/** The caller's project as the console draws it, read in one transaction so every edge has both ends. */
export async function projectTopology(context: UseCaseContext, caller: Caller): Promise<Topology> {
  const projectId = caller.projectId;
  return context.store.read(async (tx: Tx) => {
    const vpcs = await all((page) => tx.networks.listVpcs(projectId, page));
    const subnets = await all((page) => tx.networks.listSubnets(projectId, { page, vpcOnly: true }));
    const servers = await tx.compute.listServers(projectId, {});
    const ports = await tx.ports.list({ projectId });
    return buildTopology({ projectId, vpcs, subnets, servers, ports });
  });
}
