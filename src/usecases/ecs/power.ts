import type { Job, Server, ServerStatus } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { finishedJob } from "./jobs.js";

export type PowerAction = "start" | "stop" | "reboot";

/** The status a server reaches, or undefined when its current status does not allow the action. */
function nextStatus(action: PowerAction, status: ServerStatus): ServerStatus | undefined {
  if (action === "stop") return status === "ACTIVE" || status === "SHUTOFF" ? "SHUTOFF" : undefined;
  if (action === "start") return status === "ACTIVE" || status === "SHUTOFF" ? "ACTIVE" : undefined;
  return status === "ACTIVE" ? "ACTIVE" : undefined;
}

const JOB_TYPES: Record<PowerAction, string> = {
  start: "batchStartServers",
  stop: "batchStopServers",
  reboot: "batchRebootServers",
};

/** POST /v1/{project_id}/cloudservers/action: starts, stops or reboots all named servers, or none of them. */
export async function changePower(
  context: UseCaseContext,
  caller: Caller,
  ids: string[],
  action: PowerAction,
): Promise<Job> {
  return context.store.write(async (tx) => {
    const now = isoNow(context);
    const changes: [Server, ServerStatus][] = [];
    for (const id of new Set(ids)) {
      const server = await tx.compute.getServer(id, { forUpdate: true });
      if (!server || server.projectId !== caller.projectId) fail("ecsServerNotFound", `The ECS ${id} does not exist.`);
      const status = nextStatus(action, server.status);
      if (!status) fail("ecsServerStatus", `The ECS ${id} is ${server.status}; it cannot ${action}.`);
      changes.push([server, status]);
    }
    for (const [server, status] of changes) {
      if (status === server.status) continue;
      await tx.compute.updateServer({ ...server, status, updatedAt: now });
      const portStatus = status === "ACTIVE" ? "ACTIVE" : "DOWN";
      for (const nic of await tx.ports.listNicsOfServer(server.id)) {
        if (nic.status !== portStatus) await tx.ports.update({ ...nic, status: portStatus, updatedAt: now });
      }
    }
    const job = finishedJob(
      context,
      caller,
      JOB_TYPES[action],
      changes.map(([server]) => server.id),
    );
    await tx.compute.insertJob(job);
    return job;
  });
}
