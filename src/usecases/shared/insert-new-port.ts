import type { Port } from "../../domain/model.js";
import { generateMac } from "../../domain/ports/mac.js";
import type { Tx } from "../../store/store.js";
import type { UseCaseContext } from "../context.js";

/** With 24 random bits per candidate, this many collisions in a row means the network's MAC space is full. */
const MAX_MAC_CANDIDATES = 64;

/**
 * Inserts a port built by `newPort`, moving it to another MAC while a port of its network holds its MAC. The insert
 * itself tells (nothing is written then), in the same unit of work, so ports of one batch see each other, and a
 * collision costs one more candidate for that port instead of a retry of the whole unit of work on the (network,
 * MAC) constraint. `port.macAddress` is updated in place so the caller returns the MAC that was stored.
 */
export async function insertNewPort(context: UseCaseContext, tx: Tx, port: Port): Promise<void> {
  let candidates = 1;
  while (!(await tx.ports.insertUnlessMacTaken(port))) {
    if (candidates >= MAX_MAC_CANDIDATES) {
      throw new Error(`No free MAC address found in network ${port.networkId} after ${candidates} candidates`);
    }
    port.macAddress = generateMac(context.randomByte);
    candidates += 1;
  }
}
