import { checkAllocationPools, defaultAllocationPools } from "../../domain/ipam/allocation-pools.js";
import { isSystemOwner, isValidGateway, SUBNET_MAX_PREFIX } from "../../domain/ipam/subnet-addresses.js";
import type { AllocationPool, Subnet } from "../../domain/model.js";
import { type Cidr, cidrsOverlap, parseCidr } from "../../domain/net/cidr.js";
import { formatIpv4, isIpv4 } from "../../domain/net/ipv4.js";
import { type PageRequest, pageOf } from "../../domain/paging/page.js";
import { isPrivateBlock } from "../../domain/vpc/address-space.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { removePort } from "../shared/remove-port.js";
import { insertSystemPorts } from "../shared/subnet-ports.js";
import { projectZone } from "../vpc/subnets.js";
import { refuseStale } from "./revisions.js";

/** The cloud takes at most this many DNS servers per subnet. */
export const MAX_DNS_NAMESERVERS = 5;

function invalid(detail: string): never {
  fail("neutronInvalidInput", `Invalid input for operation: ${detail}`);
}

/** A subnet as Neutron knows it: by its Neutron id, in the caller's project. */
async function ownSubnet(tx: Tx, caller: Caller, id: string, forUpdate = false): Promise<Subnet> {
  const subnet = await tx.networks.getSubnetByNeutronId(id, { forUpdate });
  if (!subnet || subnet.projectId !== caller.projectId)
    fail("neutronSubnetNotFound", `Subnet ${id} could not be found.`);
  return subnet;
}

export async function showNeutronSubnet(context: UseCaseContext, caller: Caller, id: string): Promise<Subnet> {
  return context.store.read((tx) => ownSubnet(tx, caller, id));
}

export interface SubnetListFilter {
  ids?: string[];
  name?: string;
  networkId?: string;
  cidr?: string;
  gatewayIp?: string;
  enableDhcp?: boolean;
  ipVersion?: number;
  page: PageRequest;
}

/** Every subnet of the project (VPC v1 subnets too), filtered as Neutron documents, paged by Neutron id. */
export async function listNeutronSubnets(
  context: UseCaseContext,
  caller: Caller,
  filter: SubnetListFilter,
): Promise<Subnet[]> {
  const subnets = await context.store.read((tx) =>
    tx.networks.listSubnets(caller.projectId, { page: { limit: Number.MAX_SAFE_INTEGER } }),
  );
  const matching = subnets.filter(
    (subnet) =>
      (filter.ids === undefined || filter.ids.includes(subnet.neutronSubnetId)) &&
      (filter.name === undefined || subnet.name === filter.name) &&
      (filter.networkId === undefined || subnet.networkId === filter.networkId) &&
      (filter.cidr === undefined || subnet.cidr === filter.cidr) &&
      (filter.gatewayIp === undefined || subnet.gatewayIp === filter.gatewayIp) &&
      (filter.enableDhcp === undefined || subnet.dhcpEnable === filter.enableDhcp) &&
      (filter.ipVersion === undefined || filter.ipVersion === 4),
  );
  const byNeutronId = new Map(matching.map((subnet) => [subnet.neutronSubnetId, subnet]));
  return pageOf(
    matching.map((subnet) => ({ id: subnet.neutronSubnetId })),
    filter.page,
  ).flatMap(({ id }) => byNeutronId.get(id) ?? []);
}

export interface NeutronSubnetInput {
  networkId: string;
  name?: string;
  description?: string;
  cidr: string;
  ipVersion?: number;
  /** Omitted: the first host address; null: no gateway. */
  gatewayIp?: string | null;
  allocationPools?: AllocationPool[];
  dnsNameservers?: string[];
  enableDhcp?: boolean;
}

function checkDns(servers: string[] | undefined): void {
  if (servers === undefined) return;
  if (servers.length > MAX_DNS_NAMESERVERS) {
    invalid(`The number of DNS nameservers exceeds the limit ${MAX_DNS_NAMESERVERS}.`);
  }
  for (const server of servers) if (!isIpv4(server)) invalid(`'${server}' is not a valid nameserver.`);
  if (new Set(servers).size !== servers.length) invalid("Duplicate nameserver in dns_nameservers.");
}

/** Neutron's pool checks, each answered with Neutron's own type and text. */
function checkedPools(cidr: Cidr, gatewayIp: string, pools: AllocationPool[]): AllocationPool[] {
  const check = checkAllocationPools(cidr, gatewayIp, pools);
  if (check.ok) return check.pools;
  switch (check.reason) {
    case "invalid":
      return fail("neutronInvalidAllocationPool", `The allocation pool ${check.pool} is not valid.`);
    case "out-of-bounds":
      return fail(
        "neutronOutOfBoundsAllocationPool",
        `The allocation pool ${check.pool} spans beyond the subnet cidr ${cidr.text}.`,
      );
    case "overlap":
      return fail(
        "neutronOverlappingAllocationPools",
        `Found overlapping allocation pools: ${check.pool} and ${check.other} for subnet ${cidr.text}.`,
      );
    case "gateway-conflict":
      return fail(
        "neutronGatewayConflictWithAllocationPools",
        `Gateway ip ${gatewayIp} conflicts with allocation pool ${check.pool}.`,
      );
  }
}

/**
 * A subnet in a Neutron-native network: IPv4, a private CIDR of /8 … /28 that overlaps no other subnet of the
 * network, its gateway, pools, DNS servers, and the same three system ports as a VPC v1 subnet.
 */
export async function createNeutronSubnet(
  context: UseCaseContext,
  caller: Caller,
  input: NeutronSubnetInput,
): Promise<Subnet> {
  const [created] = await createNeutronSubnets(context, [caller], [input]);
  return created as Subnet;
}

/** What a request asks for, checked before any unit of work: CIDR, gateway, DNS servers and pools. */
function plannedSubnet(input: NeutronSubnetInput) {
  if (input.ipVersion !== undefined && input.ipVersion !== 4) invalid("Only IPv4 subnets are supported.");
  const cidr = parseCidr(input.cidr, 8, SUBNET_MAX_PREFIX);
  if (!cidr || cidr.text !== input.cidr || !isPrivateBlock(cidr)) {
    invalid(
      `'${input.cidr}' is not a valid subnet CIDR: a private IPv4 block (10/8, 172.16/12, 192.168/16), /8 to /28.`,
    );
  }
  const gatewayIp = input.gatewayIp === null ? "" : (input.gatewayIp ?? formatIpv4(cidr.network + 1));
  if (gatewayIp !== "" && !isValidGateway(cidr, gatewayIp)) {
    invalid(`Gateway IP ${gatewayIp} is not a usable address of ${cidr.text} (the last three are the cloud's).`);
  }
  checkDns(input.dnsNameservers);
  // enable_dhcp: the reference says it can only be true; a false is taken and the subnet keeps DHCP on.
  const pools =
    input.allocationPools === undefined
      ? defaultAllocationPools(cidr, gatewayIp)
      : checkedPools(cidr, gatewayIp, input.allocationPools);
  return { input, cidr, gatewayIp, pools };
}

/**
 * Subnets in Neutron-native networks (Neutron's bulk create: every one or none): IPv4, a private CIDR of /8 … /28
 * that overlaps no other subnet of the network, its gateway (or none), pools, DNS servers, and the same system
 * ports as a VPC v1 subnet. `callers[i]` is whom `inputs[i]` is made for.
 */
export async function createNeutronSubnets(
  context: UseCaseContext,
  callers: readonly Caller[],
  inputs: NeutronSubnetInput[],
): Promise<Subnet[]> {
  const plans = inputs.map(plannedSubnet);
  return context.store.write(async (tx) => {
    const created: Subnet[] = [];
    for (const [index, plan] of plans.entries()) {
      created.push(await insertNeutronSubnet(context, tx, callers[index] as Caller, plan));
    }
    return created;
  });
}

async function insertNeutronSubnet(
  context: UseCaseContext,
  tx: Tx,
  caller: Caller,
  { input, cidr, gatewayIp, pools }: ReturnType<typeof plannedSubnet>,
): Promise<Subnet> {
  const network = await tx.networks.getNetwork(input.networkId, { forUpdate: true });
  if (!network || network.projectId !== caller.projectId) {
    fail("networkNotFound", `Network ${input.networkId} could not be found.`);
  }
  if (network.vpcId !== null) {
    invalid(`Network ${network.id} is the network of VPC subnet ${network.id} and holds only that subnet.`);
  }
  for (const sibling of await tx.networks.listSubnetsOfNetwork(network.id)) {
    const siblingCidr = parseCidr(sibling.cidr);
    if (siblingCidr && cidrsOverlap(siblingCidr, cidr)) {
      invalid(`Requested subnet with cidr: ${cidr.text} for network: ${network.id} overlaps with another subnet.`);
    }
  }
  if ((await tx.admin.projectUsage(caller.projectId)).subnets >= context.limits.quotas.subnet) {
    fail("neutronOverQuota", "Quota exceeded for resources: ['subnet'].");
  }
  const project = await tx.iam.getProject(caller.projectId);
  const id = context.newId();
  const now = isoNow(context);
  const dns = input.dnsNameservers ?? [];
  const subnet: Subnet = {
    id,
    networkId: network.id,
    neutronSubnetId: id,
    projectId: caller.projectId,
    vpcId: null,
    name: input.name ?? "",
    description: input.description ?? "",
    cidr: cidr.text,
    gatewayIp,
    allocationPools: pools,
    dhcpEnable: true,
    primaryDns: dns[0] ?? "",
    secondaryDns: dns[1] ?? "",
    dnsList: dns,
    extraDhcpOpts: [],
    availabilityZone: projectZone(project?.name ?? ""),
    status: "ACTIVE",
    revisionNumber: 0,
    createdAt: now,
    updatedAt: now,
  };
  await tx.networks.insertSubnet(subnet);
  await insertSystemPorts(context, tx, subnet, cidr);
  // A subnet's change is its network's change too (Neutron bumps the parent's revision).
  await tx.networks.updateNetwork({ ...network, revisionNumber: network.revisionNumber + 1, updatedAt: now });
  return subnet;
}

export interface NeutronSubnetUpdate {
  name?: string;
  description?: string;
  gatewayIp?: string | null;
  allocationPools?: AllocationPool[];
  dnsNameservers?: string[];
  enableDhcp?: boolean;
}

/**
 * Name, description, pools and DNS servers, of any subnet (a VPC v1 subnet's too: it is the same record); the
 * gateway cannot change, as the cloud documents. Addresses already taken outside new pools stay where they are.
 */
export async function updateNeutronSubnet(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: NeutronSubnetUpdate,
  expectedRevision?: number,
): Promise<Subnet> {
  checkDns(input.dnsNameservers);
  return context.store.write(async (tx) => {
    const subnet = await ownSubnet(tx, caller, id, true);
    refuseStale(subnet.revisionNumber, expectedRevision);
    const gatewayIp = input.gatewayIp === null ? "" : input.gatewayIp;
    if (gatewayIp !== undefined && gatewayIp !== subnet.gatewayIp) {
      invalid("The gateway_ip of a subnet cannot be changed.");
    }
    const cidr = parseCidr(subnet.cidr);
    if (!cidr) throw new Error(`subnet ${subnet.id} has an unparseable CIDR ${subnet.cidr}`);
    const dns = input.dnsNameservers;
    const next: Subnet = {
      ...subnet,
      name: input.name ?? subnet.name,
      description: input.description ?? subnet.description,
      allocationPools:
        input.allocationPools === undefined
          ? subnet.allocationPools
          : checkedPools(cidr, subnet.gatewayIp, input.allocationPools),
      ...(dns === undefined ? {} : { dnsList: dns, primaryDns: dns[0] ?? "", secondaryDns: dns[1] ?? "" }),
    };
    const changed =
      next.name !== subnet.name ||
      next.description !== subnet.description ||
      JSON.stringify(next.allocationPools) !== JSON.stringify(subnet.allocationPools) ||
      JSON.stringify(next.dnsList) !== JSON.stringify(subnet.dnsList);
    if (!changed) return subnet;
    const updated = { ...next, revisionNumber: subnet.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.networks.updateSubnet(updated);
    // A subnet's change is its network's too (Neutron bumps the parent's revision); a VPC v1 subnet and its network
    // carry one name.
    const network = await tx.networks.getNetwork(subnet.networkId, { forUpdate: true });
    if (network) {
      const sameName = network.vpcId !== null && network.id === subnet.id;
      await tx.networks.updateNetwork({
        ...network,
        name: sameName ? updated.name : network.name,
        revisionNumber: network.revisionNumber + 1,
        updatedAt: updated.updatedAt,
      });
    }
    return updated;
  });
}

/**
 * Deletes a Neutron-made subnet with its own ports; a port of any other owner holding one of its addresses keeps it
 * (`SubnetInUse`). A VPC v1 subnet is deleted through the VPC API, which also takes its network. The network's
 * revision goes up.
 */
export async function deleteNeutronSubnet(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const subnet = await ownSubnet(tx, caller, id, true);
    const inUse = `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`;
    if (subnet.vpcId !== null && subnet.networkId === subnet.id) {
      fail("neutronSubnetInUse", `${inUse} It is VPC subnet ${subnet.id}: delete it through the VPC API.`);
    }
    if (subnet.vpcId !== null) {
      fail("neutronSubnetInUse", `${inUse} It is on router ${subnet.vpcId}: remove the router interface first.`);
    }
    const ports = await tx.ports.list({ projectId: caller.projectId, fixedIpSubnetId: subnet.neutronSubnetId });
    if (ports.some((port) => !isSystemOwner(port.deviceOwner) || port.deviceId !== subnet.id)) {
      fail("neutronSubnetInUse", inUse);
    }
    const now = isoNow(context);
    for (const port of ports) await removePort(tx, port, now);
    await tx.networks.deleteSubnet(subnet.id);
    // Losing a subnet is its network's change too (Neutron bumps the parent's revision).
    const network = await tx.networks.getNetwork(subnet.networkId, { forUpdate: true });
    if (network) {
      await tx.networks.updateNetwork({ ...network, revisionNumber: network.revisionNumber + 1, updatedAt: now });
    }
  });
}
