import type { DhcpOption, Subnet, Vpc } from "../../domain/model.js";
import { cidrWithin, parseCidr } from "../../domain/net/cidr.js";
import { parseVpcCidr } from "../../domain/vpc/address-space.js";
import { fail } from "../../errors/cloud-error.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { dnsServers } from "./subnets.js";
import { refuseTakenName } from "./vpcs.js";

/** PUT /v1/{project_id}/vpcs/{vpc_id}: a new CIDR must still hold every subnet of the VPC. */
export async function updateVpc(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: { name?: string; description?: string; cidr?: string },
): Promise<Vpc> {
  return context.store.write(async (tx) => {
    const vpc = await tx.networks.getVpc(id, { forUpdate: true });
    if (!vpc || vpc.projectId !== caller.projectId) fail("vpcNotFound");
    let cidr = vpc.cidr;
    if (input.cidr !== undefined && input.cidr !== vpc.cidr) {
      const parsed = parseVpcCidr(input.cidr);
      if (!parsed || parsed.text !== input.cidr) fail("vpcInvalidParameter", `cidr ${input.cidr} is invalid.`);
      for (const subnet of await tx.networks.listSubnetsOfVpc(id)) {
        const subnetCidr = parseCidr(subnet.cidr);
        if (subnetCidr && !cidrWithin(subnetCidr, parsed)) {
          fail("vpcInvalidParameter", `cidr ${input.cidr} does not contain subnet ${subnet.id} (${subnet.cidr}).`);
        }
      }
      cidr = parsed.text;
    }
    if (input.name !== undefined && input.name !== vpc.name)
      await refuseTakenName(tx, caller.projectId, input.name, id);
    const updated: Vpc = {
      ...vpc,
      name: input.name ?? vpc.name,
      description: input.description ?? vpc.description,
      cidr,
    };
    await tx.networks.updateVpc(updated);
    return updated;
  });
}

export interface SubnetUpdate {
  name: string;
  description?: string;
  dhcpEnable?: boolean;
  primaryDns?: string;
  secondaryDns?: string;
  dnsList?: string[];
  extraDhcpOpts?: DhcpOption[];
}

/** PUT /v1/{project_id}/vpcs/{vpc_id}/subnets/{subnet_id}; the subnet's network takes the new name too. */
export async function updateSubnet(
  context: UseCaseContext,
  caller: Caller,
  vpcId: string,
  id: string,
  input: SubnetUpdate,
): Promise<Subnet> {
  return context.store.write(async (tx) => {
    const subnet = await tx.networks.getSubnet(id, { forUpdate: true });
    if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("subnetNotFound");
    if (subnet.vpcId !== vpcId) fail("subnetNotInVpc");
    const dnsGiven = input.primaryDns !== undefined || input.secondaryDns !== undefined || input.dnsList !== undefined;
    const updated: Subnet = {
      ...subnet,
      name: input.name,
      description: input.description ?? subnet.description,
      dhcpEnable: input.dhcpEnable ?? subnet.dhcpEnable,
      ...(dnsGiven ? dnsServers(input) : {}),
      extraDhcpOpts: input.extraDhcpOpts ?? subnet.extraDhcpOpts,
      revisionNumber: subnet.revisionNumber + 1,
      updatedAt: isoNow(context),
    };
    await tx.networks.updateSubnet(updated);
    const network = await tx.networks.getNetwork(subnet.networkId, { forUpdate: true });
    if (network?.vpcId && network.id === subnet.id && network.name !== updated.name) {
      await tx.networks.updateNetwork({
        ...network,
        name: updated.name,
        revisionNumber: network.revisionNumber + 1,
        updatedAt: isoNow(context),
      });
    }
    return updated;
  });
}
