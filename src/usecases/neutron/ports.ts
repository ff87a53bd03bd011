import { type AddressPair, isVipCapableOwner, type Port, type VIP_DEVICE_OWNER } from "../../domain/model.js";
import { dedupePairs } from "../../domain/ports/address-pairs.js";
import { fail } from "../../errors/cloud-error.js";
import type { PortFilter } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { checkedGroups, groupsForNewPort } from "../security-groups/port-groups.js";
import { Allocators } from "../shared/allocate-address.js";
import { newPort } from "../shared/new-port.js";
import { releasePortAttachments } from "../shared/port-attachments.js";
import { detachVipFromNics } from "../shared/vip-links.js";

/** A pair as the client sent it: the MAC may be left out, and then means the port's own MAC. */
export interface PairInput {
  ipAddress: string;
  macAddress?: string;
}

export interface CreatePortInput {
  networkId: string;
  name: string;
  description: string;
  adminStateUp: boolean;
  deviceOwner: "" | typeof VIP_DEVICE_OWNER;
  fixedIps?: { subnetId?: string; ipAddress?: string }[];
  allowedAddressPairs?: PairInput[];
  /** Omitted: the project's default group (when port security is on). */
  securityGroups?: string[];
  portSecurityEnabled?: boolean;
}

export interface UpdatePortInput {
  name?: string;
  description?: string;
  allowedAddressPairs?: PairInput[];
  securityGroups?: string[];
  portSecurityEnabled?: boolean;
}

const PORT_GROUP_ERRORS = {
  notFound: "neutronSgNotFound",
  portSecurityRequired: "neutronPortSecurityRequired",
} as const;

function resolvePairs(port: Pick<Port, "macAddress">, pairs: PairInput[], max: number): AddressPair[] {
  const resolved = dedupePairs(
    pairs.map((p) => ({ ipAddress: p.ipAddress, macAddress: p.macAddress ?? port.macAddress })),
  );
  if (resolved.length > max)
    fail("neutronPairsExhausted", `The number of allowed address pairs exceeds the maximum ${max}.`);
  return resolved;
}

export async function listPorts(context: UseCaseContext, filter: PortFilter): Promise<Port[]> {
  return context.store.read((tx) => tx.listPorts(filter));
}

export async function showPort(context: UseCaseContext, caller: Caller, id: string): Promise<Port> {
  const port = await context.store.read((tx) => tx.getPort(id));
  if (!port || port.projectId !== caller.projectId) fail("portNotFound", `Port ${id} could not be found.`);
  return port;
}

export async function createPort(context: UseCaseContext, caller: Caller, input: CreatePortInput): Promise<Port> {
  if ((input.fixedIps?.length ?? 0) > 1) fail("neutronInvalidInput", "Only one fixed IP per port is supported.");
  return context.store.write(async (tx) => {
    const subnet = await tx.getSubnet(input.networkId);
    if (!subnet || subnet.projectId !== caller.projectId) {
      fail("networkNotFound", `Network ${input.networkId} could not be found.`);
    }
    const requested = input.fixedIps?.[0];
    if (requested?.subnetId !== undefined && requested.subnetId !== subnet.neutronSubnetId) {
      fail("neutronInvalidInput", `Subnet ${requested.subnetId} is not a subnet of network ${subnet.id}.`);
    }
    const allocation = (await new Allocators(tx).for(subnet)).take(requested?.ipAddress);
    if (!allocation.ok) {
      if (allocation.reason === "invalid") fail("neutronInvalidIpForSubnet");
      if (allocation.reason === "in-use") {
        fail(
          "neutronIpInUse",
          `Unable to complete operation for network ${subnet.id}. The IP address ${requested?.ipAddress} is in use.`,
        );
      }
      fail("neutronIpExhausted", `No more IP addresses available on network ${subnet.id}.`);
    }
    const port = newPort(context, {
      projectId: caller.projectId,
      networkId: subnet.id,
      fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: allocation.ipAddress }],
      name: input.name,
      description: input.description,
      adminStateUp: input.adminStateUp,
      deviceOwner: input.deviceOwner,
    });
    port.allowedAddressPairs = resolvePairs(port, input.allowedAddressPairs ?? [], context.limits.maxAddressPairs);
    port.portSecurityEnabled = input.portSecurityEnabled ?? true;
    port.securityGroupIds = await groupsForNewPort(
      context,
      tx,
      caller.projectId,
      input.securityGroups,
      port.portSecurityEnabled,
      PORT_GROUP_ERRORS,
    );
    await tx.insertPort(port);
    return port;
  });
}

export async function updatePort(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: UpdatePortInput,
): Promise<Port> {
  return context.store.write(async (tx) => {
    const port = await tx.getPort(id, { forUpdate: true });
    if (!port || port.projectId !== caller.projectId) fail("portNotFound", `Port ${id} could not be found.`);
    const next: Port = {
      ...port,
      name: input.name ?? port.name,
      description: input.description ?? port.description,
      allowedAddressPairs:
        input.allowedAddressPairs === undefined
          ? port.allowedAddressPairs
          : resolvePairs(port, input.allowedAddressPairs, context.limits.maxAddressPairs),
      portSecurityEnabled: input.portSecurityEnabled ?? port.portSecurityEnabled,
    };
    if (input.securityGroups !== undefined) {
      next.securityGroupIds = await checkedGroups(
        tx,
        caller.projectId,
        input.securityGroups,
        next.portSecurityEnabled,
        PORT_GROUP_ERRORS,
      );
    } else if (!next.portSecurityEnabled && port.securityGroupIds.length > 0) {
      fail("neutronPortHasSecurityGroup");
    }
    const groupsChanged = JSON.stringify(next.securityGroupIds) !== JSON.stringify(port.securityGroupIds);
    const changed =
      groupsChanged ||
      next.name !== port.name ||
      next.description !== port.description ||
      next.portSecurityEnabled !== port.portSecurityEnabled ||
      JSON.stringify(next.allowedAddressPairs) !== JSON.stringify(port.allowedAddressPairs);
    if (!changed) return port;
    const updated = { ...next, revisionNumber: port.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.updatePort(updated);
    if (groupsChanged) await tx.setPortSecurityGroups(updated.id, updated.securityGroupIds);
    return updated;
  });
}

/** Unowned and VIP ports can be deleted; NICs using a VIP lose their pairs for it in the same transaction. */
export async function deletePort(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const port = await tx.getPort(id, { forUpdate: true });
    if (!port || port.projectId !== caller.projectId) fail("portNotFound", `Port ${id} could not be found.`);
    if (!isVipCapableOwner(port.deviceOwner) || port.deviceId !== "") {
      fail("neutronPortInUse", `Port ${id} is owned by ${port.deviceOwner || "a device"} and cannot be deleted.`);
    }
    await detachVipFromNics(tx, port, isoNow(context));
    await releasePortAttachments(tx, id, isoNow(context));
    await tx.deletePort(id);
  });
}
