/** Adding a port to a group or taking it out, as the batch NIC–security-group API decides it per port. */
export type MembershipAction = "add" | "remove";

export type MembershipOutcome =
  | { ok: true; groupIds: string[]; changed: boolean }
  | { ok: false; reason: "port-security-disabled" | "last-group" };

/**
 * Adding a group the port already has, or removing one it lacks, changes nothing and is no error; a port with port
 * security off carries no group; a port keeps at least one group.
 */
export function changeMembership(
  port: { securityGroupIds: readonly string[]; portSecurityEnabled: boolean },
  groupId: string,
  action: MembershipAction,
): MembershipOutcome {
  const has = port.securityGroupIds.includes(groupId);
  if (action === "add") {
    if (has) return { ok: true, groupIds: [...port.securityGroupIds], changed: false };
    if (!port.portSecurityEnabled) return { ok: false, reason: "port-security-disabled" };
    return { ok: true, groupIds: [...port.securityGroupIds, groupId], changed: true };
  }
  if (!has) return { ok: true, groupIds: [...port.securityGroupIds], changed: false };
  if (port.securityGroupIds.length === 1) return { ok: false, reason: "last-group" };
  return { ok: true, groupIds: port.securityGroupIds.filter((id) => id !== groupId), changed: true };
}
