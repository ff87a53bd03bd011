import { isSystemOwner } from "../../domain/ipam/subnet-addresses.js";
import type { Network, Subnet } from "../../domain/model.js";
import { type PageRequest, pageOf } from "../../domain/paging/page.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { removePort } from "../shared/remove-port.js";
import { refuseStale } from "./revisions.js";

/** A network with the subnets it holds (a VPC v1 subnet's network holds exactly that subnet). */
export interface NetworkView {
  network: Network;
  subnets: Subnet[];
}

/** The name of the cloud's external network, which no tenant network may take. */
const RESERVED_NAME = "admin_external_net";

async function viewOf(tx: Tx, network: Network): Promise<NetworkView> {
  return { network, subnets: await tx.networks.listSubnetsOfNetwork(network.id) };
}

async function ownNetwork(tx: Tx, caller: Caller, id: string, forUpdate = false): Promise<Network> {
  const network = await tx.networks.getNetwork(id, { forUpdate });
  if (!network || network.projectId !== caller.projectId) fail("networkNotFound", `Network ${id} could not be found.`);
  return network;
}

/** Whether the id names a network of the caller's project. */
export async function isOwnNetwork(context: UseCaseContext, caller: Caller, id: string): Promise<boolean> {
  const network = await context.store.read((tx) => tx.networks.getNetwork(id));
  return network !== undefined && network.projectId === caller.projectId;
}

export async function showNetwork(context: UseCaseContext, caller: Caller, id: string): Promise<NetworkView> {
  return context.store.read(async (tx) => viewOf(tx, await ownNetwork(tx, caller, id)));
}

export interface NetworkListFilter {
  ids?: string[];
  name?: string;
  adminStateUp?: boolean;
  status?: string;
  page: PageRequest;
}

/** Filters as Neutron documents them; the page is taken after filtering, by id. */
export async function listNetworks(
  context: UseCaseContext,
  caller: Caller,
  filter: NetworkListFilter,
): Promise<NetworkView[]> {
  return context.store.read(async (tx) => {
    const networks = (await tx.networks.listNetworks(caller.projectId, {})).filter(
      (network) =>
        (filter.ids === undefined || filter.ids.includes(network.id)) &&
        (filter.name === undefined || network.name === filter.name) &&
        (filter.adminStateUp === undefined || network.adminStateUp === filter.adminStateUp) &&
        (filter.status === undefined || network.status === filter.status),
    );
    const views: NetworkView[] = [];
    for (const network of pageOf(networks, filter.page)) views.push(await viewOf(tx, network));
    return views;
  });
}

export interface NetworkInput {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  portSecurityEnabled?: boolean;
}

function checkInput(input: NetworkInput): void {
  if (input.name === RESERVED_NAME) {
    fail("neutronInvalidInput", `Invalid input for operation: The network name ${RESERVED_NAME} is reserved.`);
  }
  if (input.adminStateUp === false) {
    fail("neutronInvalidInput", "Invalid input for operation: admin_state_up can only be true.");
  }
}

/** A Neutron-native network: no VPC, no subnet until one is created in it. */
export async function createNetwork(
  context: UseCaseContext,
  caller: Caller,
  input: NetworkInput,
): Promise<NetworkView> {
  const [created] = await createNetworks(context, [caller], [input]);
  return created as NetworkView;
}

/** Neutron's bulk create: every network or none; `callers[i]` is whom `inputs[i]` is made for. */
export async function createNetworks(
  context: UseCaseContext,
  callers: readonly Caller[],
  inputs: NetworkInput[],
): Promise<NetworkView[]> {
  for (const input of inputs) checkInput(input);
  return context.store.write(async (tx) => {
    const views: NetworkView[] = [];
    for (const [index, input] of inputs.entries()) {
      const now = isoNow(context);
      const network: Network = {
        id: context.newId(),
        projectId: (callers[index] as Caller).projectId,
        vpcId: null,
        name: input.name ?? "",
        description: input.description ?? "",
        adminStateUp: true,
        portSecurityEnabled: input.portSecurityEnabled ?? true,
        status: "ACTIVE",
        revisionNumber: 0,
        createdAt: now,
        updatedAt: now,
      };
      await tx.networks.insertNetwork(network);
      views.push({ network, subnets: [] });
    }
    return views;
  });
}

/** Name, description and the port-security default; the revision goes up when anything changed. */
export async function updateNetwork(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: NetworkInput,
  expectedRevision?: number,
): Promise<NetworkView> {
  checkInput(input);
  return context.store.write(async (tx) => {
    const network = await ownNetwork(tx, caller, id, true);
    refuseStale(network.revisionNumber, expectedRevision);
    const next: Network = {
      ...network,
      name: input.name ?? network.name,
      description: input.description ?? network.description,
      portSecurityEnabled: input.portSecurityEnabled ?? network.portSecurityEnabled,
    };
    const changed =
      next.name !== network.name ||
      next.description !== network.description ||
      next.portSecurityEnabled !== network.portSecurityEnabled;
    if (!changed) return viewOf(tx, network);
    const updated = { ...next, revisionNumber: network.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.networks.updateNetwork(updated);
    return viewOf(tx, updated);
  });
}

/**
 * Deletes a Neutron-native network with its subnets and their own ports (gateway, DHCP), as Neutron removes ports
 * of those owners itself; any other port keeps the network (`NetworkInUse`). A VPC v1 subnet's network goes with
 * its subnet, through the VPC API.
 */
export async function deleteNetwork(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const network = await ownNetwork(tx, caller, id, true);
    const inUse = `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`;
    if (network.vpcId !== null) {
      fail("neutronNetworkInUse", `${inUse} It is the network of VPC subnet ${id}: delete that subnet instead.`);
    }
    const subnets = await tx.networks.listSubnetsOfNetwork(id);
    const subnetIds = new Set(subnets.map((subnet) => subnet.id));
    const ports = await tx.ports.list({ projectId: caller.projectId, networkId: id });
    if (ports.some((port) => !isSystemOwner(port.deviceOwner) || !subnetIds.has(port.deviceId))) {
      fail("neutronNetworkInUse", inUse);
    }
    const now = isoNow(context);
    for (const port of ports) await removePort(tx, port, now);
    for (const subnet of subnets) await tx.networks.deleteSubnet(subnet.id);
    await tx.networks.deleteNetwork(id);
  });
}
