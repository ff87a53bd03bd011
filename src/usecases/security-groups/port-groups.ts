import type { Tx } from "../../store/store.js";
import type { UseCaseContext } from "../context.js";
import { ensureDefaultSecurityGroup } from "./default-group.js";

/** Why a port cannot carry the groups asked for; each service answers these with its own codes. */
export type GroupRefusal = "security-group-not-found" | "port-security-required";
export type GroupRefusals = (reason: GroupRefusal, detail: string) => never;

/**
 * The groups a new port (or server NIC) joins: the ones asked for, each of the project, without repeats; the
 * project's default group when none were named and port security is on; none when port security is off.
 */
export async function groupsForNewPort(
  context: UseCaseContext,
  tx: Tx,
  projectId: string,
  requested: string[] | undefined,
  portSecurityEnabled: boolean,
  refuse: GroupRefusals,
): Promise<string[]> {
  if (requested === undefined) {
    return portSecurityEnabled ? [(await ensureDefaultSecurityGroup(context, tx, projectId)).id] : [];
  }
  return checkedGroups(tx, projectId, requested, portSecurityEnabled, refuse);
}

/** Requested groups, checked: each must be the project's, and port security must be on to carry any. */
export async function checkedGroups(
  tx: Tx,
  projectId: string,
  requested: string[],
  portSecurityEnabled: boolean,
  refuse: GroupRefusals,
): Promise<string[]> {
  const ids = [...new Set(requested)];
  for (const id of ids) {
    const group = await tx.securityGroups.getGroup(id);
    if (!group || group.projectId !== projectId)
      refuse("security-group-not-found", `Security group ${id} does not exist.`);
  }
  if (ids.length > 0 && !portSecurityEnabled) {
    refuse(
      "port-security-required",
      "Port security must be enabled and port must have an IP address in order to use security groups.",
    );
  }
  return ids;
}
