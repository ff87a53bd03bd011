import type { Port, Server } from "../../domain/model.js";
import { checkBindableNic, decideBind, vipPortDefaults } from "../../domain/vip/bind.js";
import { decideUnbind } from "../../domain/vip/unbind.js";
import { fail } from "../../errors/cloud-error.js";
import type { PortChange } from "../../store/repositories/ports.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { insertNewPort } from "../shared/insert-new-port.js";
import { newPort } from "../shared/new-port.js";
import { failEcs } from "./vip-refusals.js";

export type NicVipRequest =
  | { kind: "bind"; subnetId: string; ipAddress: string; reverseBinding: boolean }
  | { kind: "unbind" };

/** PUT /v1/{project_id}/cloudservers/nics/{nic_id}: binds or unbinds virtual IPs, in one transaction. */
export async function updateNicVip(
  context: UseCaseContext,
  caller: Caller,
  nicId: string,
  request: NicVipRequest,
): Promise<{ portId: string }> {
  const result = await context.store.write(async (tx) => {
    if (request.kind === "bind") await bind(context, tx, caller, nicId, request);
    else await unbind(context, tx, caller, nicId);
    return { portId: nicId };
  });
  if (request.kind === "bind") context.observer?.vipBound();
  else context.observer?.vipUnbound();
  return result;
}

/** Check 2, shared by bind and unbind. */
function checkedNic(caller: Caller, nic: Port | undefined, server: Server | undefined): Port {
  const checked = checkBindableNic({ projectId: caller.projectId, nic, server });
  if (!checked.ok) failEcs(checked.reason);
  return checked.nic;
}

async function bind(
  context: UseCaseContext,
  tx: Tx,
  caller: Caller,
  nicId: string,
  request: Extract<NicVipRequest, { kind: "bind" }>,
): Promise<void> {
  // One read of all the decision needs; the NIC and the address's holder are locked, in that order.
  const input = await tx.ports.lockBindInput(nicId, {
    projectId: caller.projectId,
    subnetId: request.subnetId,
    ipAddress: request.ipAddress,
  });
  const nic = checkedNic(caller, input.nic, input.server);
  if (!input.nicSubnet) fail("ecsSubnetNotFound");
  const { holder } = input;
  const outcome = decideBind({
    projectId: caller.projectId,
    nic,
    nicSubnet: input.nicSubnet,
    targetSubnet: input.targetSubnet,
    ipAddress: request.ipAddress,
    reverseBinding: request.reverseBinding,
    holder,
    maxPairs: context.limits.maxAddressPairs,
    now: isoNow(context),
    newVipPort: (template) => newPort(context, { ...template, ...vipPortDefaults() }),
  });
  if (!outcome.ok) failEcs(outcome.reason);
  if (outcome.vipCreated) await insertNewPort(context, tx, outcome.vip);
  const changes: PortChange[] = [];
  if (holder && outcome.vipChanged) changes.push({ before: holder, after: outcome.vip });
  if (outcome.nicChanged) changes.push({ before: nic, after: outcome.nic });
  await tx.ports.updateChanged(changes);
}

async function unbind(context: UseCaseContext, tx: Tx, caller: Caller, nicId: string): Promise<void> {
  // One read: the NIC and the VIP ports carrying its pair locked (NIC first), the holders of its pairs' addresses.
  const input = await tx.ports.lockUnbindInput(nicId, caller.projectId);
  const nic = checkedNic(caller, input.nic, input.server);
  const outcome = decideUnbind({
    nic,
    pairHolders: input.pairHolders,
    reverseHolders: input.reverseHolders,
    now: isoNow(context),
  });
  const before = new Map(input.reverseHolders.map((port) => [port.id, port]));
  const changes: PortChange[] = [];
  if (outcome.nicChanged) changes.push({ before: nic, after: outcome.nic });
  for (const vip of outcome.vips) changes.push({ before: before.get(vip.id) as Port, after: vip });
  await tx.ports.updateChanged(changes);
}
