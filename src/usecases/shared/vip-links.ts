import { isVipCapableOwner, type Port } from "../../domain/model.js";
import { withoutPairs } from "../../domain/ports/address-pairs.js";
import { primaryFixedIp, withAddressPairs } from "../../domain/ports/port-changes.js";
import type { Tx } from "../../store/store.js";

/** Networks of the VPC a port sits in: VIPs and the NICs that use them always share a VPC. */
async function vpcNetworksOf(tx: Tx, port: Port): Promise<Set<string>> {
  const subnet = await tx.getSubnet(port.networkId);
  if (!subnet) return new Set([port.networkId]);
  return new Set((await tx.listSubnetsOfVpc(subnet.vpcId)).map((s) => s.id));
}

/** Other ports of the same VPC whose allowed_address_pairs name this port's address. */
export async function portsPointingAt(tx: Tx, port: Port): Promise<Port[]> {
  const ip = primaryFixedIp(port);
  if (ip === undefined) return [];
  const networks = await vpcNetworksOf(tx, port);
  const candidates = await tx.listPortsWithPair(port.projectId, { ipAddress: ip });
  return candidates.filter((candidate) => candidate.id !== port.id && networks.has(candidate.networkId));
}

/** Deleting a VIP: the NICs' pairs for its address go in the same transaction. */
export async function detachVipFromNics(tx: Tx, vip: Port, now: string): Promise<void> {
  const ip = primaryFixedIp(vip);
  for (const pointing of await portsPointingAt(tx, vip)) {
    const locked = (await tx.getPort(pointing.id, { forUpdate: true })) ?? pointing;
    const remaining = withoutPairs(locked.allowedAddressPairs, (pair) => pair.ipAddress === ip);
    if (remaining.changed) await tx.updatePort(withAddressPairs(locked, remaining.pairs, true, now));
  }
}

/** Deleting a NIC (or its server): its IP/MAC pair leaves every VIP port in the same transaction. */
export async function detachNicFromVips(tx: Tx, nic: Port, now: string): Promise<void> {
  const ip = primaryFixedIp(nic);
  if (ip === undefined) return;
  // Lock the NIC before looking for VIPs that carry its pair: a bind with reverse_binding holds this lock while it
  // adds the pair, so waiting here makes the search below see that pair (otherwise it would be left dangling).
  await tx.getPort(nic.id, { forUpdate: true });
  const holders = await tx.listPortsWithPair(nic.projectId, { ipAddress: ip, macAddress: nic.macAddress });
  for (const holder of holders) {
    if (!isVipCapableOwner(holder.deviceOwner) || holder.id === nic.id) continue;
    const locked = (await tx.getPort(holder.id, { forUpdate: true })) ?? holder;
    const remaining = withoutPairs(
      locked.allowedAddressPairs,
      (p) => p.ipAddress === ip && p.macAddress === nic.macAddress,
    );
    if (remaining.changed) await tx.updatePort(withAddressPairs(locked, remaining.pairs, true, now));
  }
}
