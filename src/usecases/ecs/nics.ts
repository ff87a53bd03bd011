import type { Job, Port, Server } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { Allocators } from "../shared/allocate-address.js";
import { insertNewPort } from "../shared/insert-new-port.js";
import { removePort } from "../shared/remove-port.js";
import { finishedJob } from "./jobs.js";
import { buildNic, type NicInput } from "./nic-allocation.js";

async function requireServer(tx: Tx, caller: Caller, id: string, forUpdate: boolean): Promise<Server> {
  const server = await tx.compute.getServer(id, { forUpdate });
  if (!server || server.projectId !== caller.projectId) fail("ecsServerNotFound");
  return server;
}

export async function listServerNics(context: UseCaseContext, caller: Caller, serverId: string): Promise<Port[]> {
  return context.store.read(async (tx) => {
    await requireServer(tx, caller, serverId, false);
    return tx.ports.listNicsOfServer(serverId);
  });
}

/** Adds NICs to a running or stopped server, within the per-server NIC quota. */
export async function addServerNics(
  context: UseCaseContext,
  caller: Caller,
  serverId: string,
  inputs: NicInput[],
): Promise<{ job: Job; nics: Port[] }> {
  return context.store.write(async (tx) => {
    const server = await requireServer(tx, caller, serverId, true);
    if (server.status !== "ACTIVE" && server.status !== "SHUTOFF") fail("ecsServerStatus");
    const existing = await tx.ports.listNicsOfServer(serverId);
    if (existing.length + inputs.length > context.limits.maxNicsPerServer) fail("ecsNicQuotaExceeded");
    let nextIndex = existing.reduce((max, nic) => Math.max(max, nic.nicIndex ?? 0), -1) + 1;
    const allocators = new Allocators(tx);
    const nics: Port[] = [];
    for (const input of inputs) {
      nics.push(await buildNic(context, tx, allocators, caller, server, input, nextIndex++, "ACTIVE"));
    }
    for (const nic of nics) await insertNewPort(context, tx, nic);
    const job = finishedJob(
      context,
      caller,
      "addNics",
      [serverId],
      nics.map((nic) => nic.id),
    );
    await tx.compute.insertJob(job);
    return { job, nics };
  });
}

/** Removes secondary NICs; the primary NIC stays with its server. */
export async function deleteServerNics(
  context: UseCaseContext,
  caller: Caller,
  serverId: string,
  nicIds: string[],
): Promise<Job> {
  return context.store.write(async (tx) => {
    const server = await requireServer(tx, caller, serverId, true);
    if (server.status !== "ACTIVE" && server.status !== "SHUTOFF") fail("ecsServerStatus");
    const nics = await tx.ports.listNicsOfServer(serverId);
    const now = isoNow(context);
    const primary = nics[0];
    const removed = [...new Set(nicIds)];
    for (const id of removed) {
      const nic = nics.find((candidate) => candidate.id === id);
      if (!nic) fail("ecsNotServerNic", `The server does not have the interface ${id}.`);
      if (nic.id === primary?.id) fail("ecsPrimaryNicUndeletable");
      await removePort(tx, nic, now);
    }
    const job = finishedJob(context, caller, "deleteNics", [serverId], removed);
    await tx.compute.insertJob(job);
    return job;
  });
}
