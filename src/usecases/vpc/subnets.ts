import { defaultAllocationPools } from "../../domain/ipam/allocation-pools.js";
import { isSystemOwner, isValidGateway, SUBNET_MAX_PREFIX } from "../../domain/ipam/subnet-addresses.js";
import { type DhcpOption, isServerNic, type Subnet } from "../../domain/model.js";
import { cidrsOverlap, cidrWithin, parseCidr } from "../../domain/net/cidr.js";
import { parseVpcCidr } from "../../domain/vpc/address-space.js";
import { fail } from "../../errors/cloud-error.js";
import type { Page } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { removePort } from "../shared/remove-port.js";
import { insertSystemPorts } from "../shared/subnet-ports.js";

export interface SubnetInput {
  name: string;
  description: string;
  cidr: string;
  gatewayIp: string;
  vpcId: string;
  dhcpEnable: boolean;
  primaryDns?: string;
  secondaryDns?: string;
  dnsList?: string[];
  extraDhcpOpts?: DhcpOption[];
  availabilityZone?: string;
}

/** primary_dns, secondary_dns and dnsList describe one list: dnsList wins, its first two are primary and secondary. */
export function dnsServers(input: { primaryDns?: string; secondaryDns?: string; dnsList?: string[] }) {
  if (input.dnsList !== undefined && input.dnsList.length > 0) {
    return { primaryDns: input.dnsList[0] ?? "", secondaryDns: input.dnsList[1] ?? "", dnsList: [...input.dnsList] };
  }
  const primaryDns = input.primaryDns ?? input.secondaryDns ?? "";
  const secondaryDns = input.primaryDns === undefined ? "" : (input.secondaryDns ?? "");
  return { primaryDns, secondaryDns, dnsList: [primaryDns, secondaryDns].filter((dns) => dns !== "") };
}

/** Every project has one availability zone, named after the project. */
export function projectZone(projectName: string): string {
  return `${projectName}a`;
}

export async function createSubnet(context: UseCaseContext, caller: Caller, input: SubnetInput): Promise<Subnet> {
  const cidr = parseCidr(input.cidr, 0, SUBNET_MAX_PREFIX);
  if (!cidr || cidr.text !== input.cidr || cidr.prefix < 8) fail("subnetInvalidCidr");
  if (!isValidGateway(cidr, input.gatewayIp)) fail("subnetInvalidParameter", "gateway_ip is invalid.");
  return context.store.write(async (tx) => {
    const vpc = await tx.networks.getVpc(input.vpcId, { forUpdate: true });
    if (!vpc || vpc.projectId !== caller.projectId) fail("vpcNotFound");
    if ((await tx.admin.projectUsage(caller.projectId)).subnets >= context.limits.quotas.subnet) {
      fail("subnetInvalidParameter", "Quota exceeded for resources: ['subnet'].");
    }
    const vpcCidr = vpc.cidr === "" ? undefined : parseVpcCidr(vpc.cidr);
    if (vpcCidr && !cidrWithin(cidr, vpcCidr)) fail("subnetOutsideVpc");
    for (const sibling of await tx.networks.listSubnetsOfVpc(vpc.id)) {
      const siblingCidr = parseCidr(sibling.cidr);
      if (siblingCidr && cidrsOverlap(siblingCidr, cidr)) fail("subnetConflict");
    }
    const project = await tx.iam.getProject(caller.projectId);
    const zone = projectZone(project?.name ?? "");
    if (input.availabilityZone !== undefined && input.availabilityZone !== zone) {
      fail("subnetInvalidParameter", `availability_zone ${input.availabilityZone} does not exist.`);
    }
    const id = context.newId();
    const now = isoNow(context);
    const subnet: Subnet = {
      id,
      networkId: id,
      neutronSubnetId: context.newId(),
      projectId: caller.projectId,
      vpcId: vpc.id,
      name: input.name,
      description: input.description,
      cidr: cidr.text,
      gatewayIp: input.gatewayIp,
      dhcpEnable: input.dhcpEnable,
      ...dnsServers(input),
      extraDhcpOpts: input.extraDhcpOpts ?? [],
      allocationPools: defaultAllocationPools(cidr, input.gatewayIp),
      availabilityZone: zone,
      status: "ACTIVE",
      revisionNumber: 0,
      createdAt: now,
      updatedAt: now,
    };
    // A VPC v1 subnet is one network with one subnet, under the same id.
    await tx.networks.insertNetwork({
      id,
      projectId: caller.projectId,
      vpcId: vpc.id,
      name: input.name,
      description: input.description,
      adminStateUp: true,
      portSecurityEnabled: true,
      status: "ACTIVE",
      revisionNumber: 0,
      createdAt: now,
      updatedAt: now,
    });
    await tx.networks.insertSubnet(subnet);
    await insertSystemPorts(context, tx, subnet, cidr);
    return subnet;
  });
}

export async function showSubnet(context: UseCaseContext, caller: Caller, id: string): Promise<Subnet> {
  const subnet = await context.store.read((tx) => tx.networks.getSubnet(id));
  // VPC v1 sees VPC subnets only: a subnet made through Neutron belongs to no VPC.
  if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("subnetNotFound");
  return subnet;
}

export async function listSubnets(
  context: UseCaseContext,
  caller: Caller,
  filter: { vpcId?: string; page: Page },
): Promise<Subnet[]> {
  return context.store.read((tx) => tx.networks.listSubnets(caller.projectId, { ...filter, vpcOnly: true }));
}

export async function deleteSubnet(context: UseCaseContext, caller: Caller, vpcId: string, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const subnet = await tx.networks.getSubnet(id, { forUpdate: true });
    if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("subnetNotFound");
    if (subnet.vpcId !== vpcId) fail("subnetNotInVpc");
    const ports = await tx.ports.list({ projectId: caller.projectId, fixedIpSubnetId: subnet.neutronSubnetId });
    if (ports.some(isServerNic)) fail("subnetUsedByServers");
    if (ports.some((port) => !isSystemOwner(port.deviceOwner) || port.deviceId !== id)) fail("subnetHasPorts");
    const now = isoNow(context);
    for (const port of ports) await removePort(tx, port, now);
    await tx.networks.deleteSubnet(id);
    const network = await tx.networks.getNetwork(subnet.networkId);
    // The network of a VPC v1 subnet lives and dies with it.
    if (network?.vpcId && (await tx.networks.listSubnetsOfNetwork(network.id)).length === 0)
      await tx.networks.deleteNetwork(network.id);
  });
}
