import { isVipCapableOwner, type Port } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Page } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { Allocators } from "../shared/allocate-address.js";
import { insertNewPort } from "../shared/insert-new-port.js";
import { newPort } from "../shared/new-port.js";
import { portsPointingAt, removePort } from "../shared/remove-port.js";

export interface PrivateIpRequest {
  subnetId: string;
  ipAddress?: string;
}

/** Assigns all requested private IPs or none. */
export async function assignPrivateIps(
  context: UseCaseContext,
  caller: Caller,
  requests: PrivateIpRequest[],
): Promise<Port[]> {
  return context.store.write(async (tx) => {
    const allocators = new Allocators(tx);
    const ports: Port[] = [];
    for (const request of requests) {
      const subnet = await tx.networks.getSubnet(request.subnetId);
      // VPC v1 sees VPC subnets only: a subnet made through Neutron belongs to no VPC.
      if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("privateIpSubnetNotFound");
      const allocation = await (await allocators.for(subnet)).take(request.ipAddress);
      if (!allocation.ok) {
        if (allocation.reason === "invalid") fail("privateIpInvalidAddress");
        if (allocation.reason === "in-use") fail("privateIpInUse");
        fail("privateIpExhausted", `No more IP addresses available on network ${subnet.id}.`);
      }
      ports.push(
        newPort(context, {
          projectId: caller.projectId,
          networkId: subnet.networkId,
          fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: allocation.ipAddress }],
        }),
      );
    }
    for (const port of ports) await insertNewPort(context, tx, port);
    return ports;
  });
}

export async function listPrivateIps(
  context: UseCaseContext,
  caller: Caller,
  subnetId: string,
  page: Page,
): Promise<Port[]> {
  return context.store.read(async (tx) => {
    const subnet = await tx.networks.getSubnet(subnetId);
    if (!subnet || subnet.projectId !== caller.projectId || subnet.vpcId === null) fail("privateIpSubnetNotFound");
    return tx.ports.list({ projectId: caller.projectId, fixedIpSubnetId: subnet.neutronSubnetId, page });
  });
}

export async function showPrivateIp(context: UseCaseContext, caller: Caller, id: string): Promise<Port> {
  const port = await context.store.read((tx) => tx.ports.get(id));
  if (!port || port.projectId !== caller.projectId) fail("privateIpNotFound");
  return port;
}

/** Only unowned and VIP addresses can be released here, and only while no NIC still uses them. */
export async function deletePrivateIp(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const port = await tx.ports.get(id, { forUpdate: true });
    if (!port || port.projectId !== caller.projectId) fail("privateIpNotFound");
    if (!isVipCapableOwner(port.deviceOwner)) fail("privateIpBound", "The private IP address is used by a device.");
    if ((await portsPointingAt(tx, port)).length > 0) fail("privateIpBound");
    await removePort(tx, port, isoNow(context));
  });
}
