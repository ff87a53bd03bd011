import { isVipCapableOwner, type Port, type Subnet } from "../../domain/model.js";
import { primaryFixedIp } from "../../domain/ports/port-changes.js";
import { checkBindableNic, decideBind, vipPortDefaults } from "../../domain/vip/bind.js";
import { decideUnbind } from "../../domain/vip/unbind.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { insertNewPort } from "../shared/insert-new-port.js";
import { newPort } from "../shared/new-port.js";
import { failEcs } from "./vip-refusals.js";

export type NicVipRequest =
  | { kind: "bind"; subnetId: string; ipAddress: string; reverseBinding: boolean }
  | { kind: "unbind" };

async function loadNic(tx: Tx, caller: Caller, nicId: string) {
  // Lock order everywhere: the NIC first, then VIP ports, so binds and unbinds cannot deadlock each other.
  const { port: nic, server, subnet } = await tx.ports.lockWithContext(nicId);
  const checked = checkBindableNic({ projectId: caller.projectId, nic, server });
  if (!checked.ok) failEcs(checked.reason);
  return { ...checked, nicSubnet: subnet };
}

/** PUT /v1/{project_id}/cloudservers/nics/{nic_id}: binds or unbinds virtual IPs, in one transaction. */
export async function updateNicVip(
  context: UseCaseContext,
  caller: Caller,
  nicId: string,
  request: NicVipRequest,
): Promise<{ portId: string }> {
  const result = await context.store.write(async (tx) => {
    const { nic, nicSubnet } = await loadNic(tx, caller, nicId);
    if (request.kind === "bind") await bind(context, tx, caller, nic, nicSubnet, request);
    else await unbind(context, tx, caller, nic, nicSubnet);
    return { portId: nic.id };
  });
  if (request.kind === "bind") context.observer?.vipBound();
  else context.observer?.vipUnbound();
  return result;
}

async function bind(
  context: UseCaseContext,
  tx: Tx,
  caller: Caller,
  nic: Port,
  nicSubnet: Subnet | undefined,
  request: Extract<NicVipRequest, { kind: "bind" }>,
): Promise<void> {
  if (!nicSubnet) fail("ecsSubnetNotFound");
  // Most binds name the NIC's own subnet: read it once.
  const targetSubnet = request.subnetId === nicSubnet.id ? nicSubnet : await tx.networks.getSubnet(request.subnetId);
  const holder =
    targetSubnet?.projectId === caller.projectId
      ? await tx.ports.getByFixedIp(targetSubnet.networkId, request.ipAddress, { forUpdate: true })
      : undefined;
  const now = isoNow(context);
  const outcome = decideBind({
    projectId: caller.projectId,
    nic,
    nicSubnet,
    targetSubnet,
    ipAddress: request.ipAddress,
    reverseBinding: request.reverseBinding,
    holder,
    maxPairs: context.limits.maxAddressPairs,
    now,
    newVipPort: (template) => newPort(context, { ...template, ...vipPortDefaults() }),
  });
  if (!outcome.ok) failEcs(outcome.reason);
  if (outcome.vipCreated) await insertNewPort(context, tx, outcome.vip);
  else if (outcome.vipChanged) await tx.ports.update(outcome.vip);
  if (outcome.nicChanged) await tx.ports.update(outcome.nic);
}

async function unbind(
  context: UseCaseContext,
  tx: Tx,
  caller: Caller,
  nic: Port,
  nicSubnet: Subnet | undefined,
): Promise<void> {
  const vpcNetworks = new Set(
    nicSubnet?.vpcId ? (await tx.networks.listSubnetsOfVpc(nicSubnet.vpcId)).map((s) => s.networkId) : [],
  );
  const pairHolders: Port[] = [];
  for (const pair of nic.allowedAddressPairs) {
    const holders = await tx.ports.list({ projectId: caller.projectId, ipAddress: pair.ipAddress });
    pairHolders.push(
      ...holders.filter((port) => vpcNetworks.has(port.networkId) && isVipCapableOwner(port.deviceOwner)),
    );
  }
  const nicIp = primaryFixedIp(nic);
  const reverseHolders =
    nicIp === undefined
      ? []
      : await tx.ports.listWithPair(caller.projectId, { ipAddress: nicIp, macAddress: nic.macAddress });
  const lockedReverse: Port[] = [];
  for (const port of reverseHolders) {
    const locked = await tx.ports.get(port.id, { forUpdate: true });
    if (locked) lockedReverse.push(locked);
  }
  const outcome = decideUnbind({ nic, pairHolders, reverseHolders: lockedReverse, now: isoNow(context) });
  if (outcome.nicChanged) await tx.ports.update(outcome.nic);
  for (const vip of outcome.vips) await tx.ports.update(vip);
}
