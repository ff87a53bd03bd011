import { COMPUTE_OWNER_PREFIX, type Port, type Server } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../context.js";
import type { Allocators } from "../shared/allocate-address.js";
import { newPort } from "../shared/new-port.js";

export interface NicInput {
  subnetId: string;
  ipAddress?: string;
}

/** Builds a server NIC in a subnet of the server's VPC, with the ECS error codes for each way it can fail. */
export async function buildNic(
  context: UseCaseContext,
  tx: Tx,
  allocators: Allocators,
  caller: Caller,
  server: Pick<Server, "id" | "vpcId" | "availabilityZone">,
  input: NicInput,
  nicIndex: number,
  status: string,
): Promise<Port> {
  const subnet = await tx.networks.getSubnet(input.subnetId);
  if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("ecsSubnetNotFound");
  if (subnet.vpcId !== server.vpcId) fail("ecsVpcMismatch", `Subnet ${subnet.id} is not in VPC ${server.vpcId}.`);
  const allocation = await (await allocators.for(subnet)).take(input.ipAddress);
  if (!allocation.ok) {
    if (allocation.reason === "invalid") fail("ecsIpNotInSubnet");
    if (allocation.reason === "in-use") fail("ecsIpInUse");
    fail("ecsSubnetExhausted");
  }
  return newPort(context, {
    projectId: caller.projectId,
    networkId: subnet.networkId,
    fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: allocation.ipAddress }],
    deviceOwner: `${COMPUTE_OWNER_PREFIX}${server.availabilityZone}`,
    deviceId: server.id,
    nicIndex,
    status,
  });
}
