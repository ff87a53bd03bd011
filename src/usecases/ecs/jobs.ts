import type { Job } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";

export function finishedJob(
  context: UseCaseContext,
  caller: Caller,
  jobType: string,
  serverIds: string[],
  nicIds: string[] = [],
): Job {
  const now = isoNow(context);
  return {
    id: context.newId().replace(/-/g, ""),
    projectId: caller.projectId,
    jobType,
    status: "SUCCESS",
    serverIds,
    nicIds,
    beginTime: now,
    endTime: now,
    readyAt: now,
    failReason: null,
  };
}

/** Completes a due creation job: its servers leave BUILD and their NICs come up. */
async function completeJob(tx: Tx, job: Job, now: string): Promise<Job> {
  for (const serverId of job.serverIds) {
    const server = await tx.compute.getServer(serverId, { forUpdate: true });
    if (server?.status !== "BUILD") continue;
    await tx.compute.updateServer({
      ...server,
      status: "ACTIVE",
      updatedAt: now,
      launchedAt: server.launchedAt ?? now,
    });
    for (const nic of await tx.ports.listNicsOfServer(serverId)) {
      if (nic.status !== "ACTIVE") await tx.ports.update({ ...nic, status: "ACTIVE", updatedAt: now });
    }
  }
  const done: Job = { ...job, status: "SUCCESS", endTime: now };
  await tx.compute.updateJob(done);
  return done;
}

/** Finishes every creation job whose build time has passed; any process may run it, also after a restart. */
export async function completeDueJobs(context: UseCaseContext, limit = 100): Promise<number> {
  const anyDue = await context.store.read(async (tx) => (await tx.compute.listDueJobs(isoNow(context), 1)).length > 0);
  if (!anyDue) return 0;
  return context.store.write(async (tx) => {
    const now = isoNow(context);
    const due = await tx.compute.listDueJobs(now, limit);
    for (const job of due) await completeJob(tx, job, now);
    return due.length;
  });
}

export async function showJob(context: UseCaseContext, caller: Caller, id: string): Promise<Job> {
  const job = await context.store.read((tx) => tx.compute.getJob(id));
  if (!job || job.projectId !== caller.projectId) fail("ecsJobNotFound");
  if (job.status === "RUNNING" && job.readyAt <= isoNow(context)) {
    await completeDueJobs(context);
    return (await context.store.read((tx) => tx.compute.getJob(id))) ?? job;
  }
  return job;
}
