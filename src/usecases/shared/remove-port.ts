import { isServerNic, isVipCapableOwner, type Port } from "../../domain/model.js";
import { withoutPairs } from "../../domain/ports/address-pairs.js";
import { primaryFixedIp, withAddressPairs } from "../../domain/ports/port-changes.js";
import type { Tx } from "../../store/store.js";

/**
 * The one way a port leaves the store, whatever deletes it (a Neutron or VPC v1 port delete, a private IP release,
 * a NIC removal, a server deletion, a subnet deletion): everything that hangs off the port goes in the same
 * transaction. Callers check first whether their service lets the port go.
 */
export async function removePort(tx: Tx, port: Port, now: string): Promise<void> {
  if (isServerNic(port)) await detachNicFromVips(tx, port, now);
  else if (isVipCapableOwner(port.deviceOwner)) await detachVipFromNics(tx, port, now);
  // Its EIP is unbound (the EIP stays with the project) and it leaves its security groups.
  await tx.eips.unbindFromPort(port.id, now);
  await tx.securityGroups.detachPort(port.id);
  // The port's fixed IPs and its own pairs go with its row (ON DELETE CASCADE).
  await tx.ports.delete(port.id);
}

/** Networks of the VPC a port sits in: VIPs and the NICs that use them always share a VPC. */
async function vpcNetworksOf(tx: Tx, port: Port): Promise<Set<string>> {
  const network = await tx.networks.getNetwork(port.networkId);
  if (!network?.vpcId) return new Set([port.networkId]);
  return new Set((await tx.networks.listSubnetsOfVpc(network.vpcId)).map((s) => s.networkId));
}

/** Other ports of the same VPC whose allowed_address_pairs name this port's address. */
export async function portsPointingAt(tx: Tx, port: Port): Promise<Port[]> {
  const ip = primaryFixedIp(port);
  if (ip === undefined) return [];
  const networks = await vpcNetworksOf(tx, port);
  const candidates = await tx.ports.listWithPair(port.projectId, { ipAddress: ip });
  return candidates.filter((candidate) => candidate.id !== port.id && networks.has(candidate.networkId));
}

/** Deleting a VIP: the NICs' pairs for its address go in the same transaction. */
async function detachVipFromNics(tx: Tx, vip: Port, now: string): Promise<void> {
  const ip = primaryFixedIp(vip);
  for (const pointing of await portsPointingAt(tx, vip)) {
    const locked = (await tx.ports.get(pointing.id, { forUpdate: true })) ?? pointing;
    const remaining = withoutPairs(locked.allowedAddressPairs, (pair) => pair.ipAddress === ip);
    if (remaining.changed) await tx.ports.update(withAddressPairs(locked, remaining.pairs, true, now));
  }
}

/** Deleting a NIC (or its server): its IP/MAC pair leaves every VIP port in the same transaction. */
async function detachNicFromVips(tx: Tx, nic: Port, now: string): Promise<void> {
  const ip = primaryFixedIp(nic);
  if (ip === undefined) return;
  // Lock the NIC before looking for VIPs that carry its pair: a bind with reverse_binding holds this lock while it
  // adds the pair, so waiting here makes the search below see that pair (otherwise it would be left dangling).
  await tx.ports.get(nic.id, { forUpdate: true });
  const holders = await tx.ports.listWithPair(nic.projectId, { ipAddress: ip, macAddress: nic.macAddress });
  for (const holder of holders) {
    if (!isVipCapableOwner(holder.deviceOwner) || holder.id === nic.id) continue;
    const locked = (await tx.ports.get(holder.id, { forUpdate: true })) ?? holder;
    const remaining = withoutPairs(
      locked.allowedAddressPairs,
      (p) => p.ipAddress === ip && p.macAddress === nic.macAddress,
    );
    if (remaining.changed) await tx.ports.update(withAddressPairs(locked, remaining.pairs, true, now));
  }
}
