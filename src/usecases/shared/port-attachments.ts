import type { Tx } from "../../store/store.js";

/**
 * What hangs off a port besides its addresses and pairs: its EIP is unbound (the EIP stays with the project) and it
 * leaves its security groups. Every path that deletes a port calls this right before `tx.deletePort`; the single
 * `removePort` path should call it in their place.
 */
export async function releasePortAttachments(tx: Tx, portId: string, now: string): Promise<void> {
  await tx.unbindEipsOfPort(portId, now);
  await tx.detachPortFromSecurityGroups(portId);
}
