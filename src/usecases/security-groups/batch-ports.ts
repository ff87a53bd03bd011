import { changeMembership, type MembershipAction } from "../../domain/security-groups/membership.js";
import { fail } from "../../errors/cloud-error.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";

/** A port the batch could not change, with the cloud's per-port code and message. */
export interface BatchFailure {
  id: string;
  errorCode: string;
  errorMsg: string;
}

const neutronError = (type: string, message: string) => JSON.stringify({ NeutronError: { message, type, detail: "" } });

/**
 * Associates up to 20 ports with a group, or disassociates them, in one unit of work. A port that cannot change is
 * reported in the answer's `fail` list and the others change (the cloud's partial success); a missing group
 * refuses the whole request.
 */
export async function changePortsOfGroup(
  context: UseCaseContext,
  caller: Caller,
  groupId: string,
  portIds: string[],
  action: MembershipAction,
): Promise<BatchFailure[]> {
  return context.store.write(async (tx) => {
    const group = await tx.securityGroups.getGroup(groupId);
    if (!group || group.projectId !== caller.projectId) fail("sgNotFound");
    const failures: BatchFailure[] = [];
    const now = isoNow(context);
    for (const id of new Set(portIds)) {
      const port = await tx.ports.get(id, { forUpdate: true });
      if (!port || port.projectId !== caller.projectId) {
        failures.push({
          id,
          errorCode: "VPC.0608",
          errorMsg: neutronError("PortNotFound", `Port ${id} could not be found.`),
        });
        continue;
      }
      const outcome = changeMembership(port, groupId, action);
      if (!outcome.ok) {
        failures.push(
          outcome.reason === "last-group"
            ? { id, errorCode: "VPC.0607", errorMsg: "An instance must belong to at least one security group" }
            : {
                id,
                errorCode: "VPC.0608",
                errorMsg: neutronError(
                  "PortSecurityAndIPRequiredForSecurityGroups",
                  "Port security must be enabled and port must have an IP address in order to use security groups.",
                ),
              },
        );
        continue;
      }
      if (!outcome.changed) continue;
      const updated = {
        ...port,
        securityGroupIds: outcome.groupIds,
        revisionNumber: port.revisionNumber + 1,
        updatedAt: now,
      };
      await tx.ports.update(updated);
      await tx.securityGroups.setPortGroups(port.id, outcome.groupIds);
    }
    return failures;
  });
}
