import type { Job, Port, Server } from "../../domain/model.js";
import { checkServerQuota } from "../../domain/quotas/quotas.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { groupsForNewPort } from "../security-groups/port-groups.js";
import { Allocators } from "../shared/allocate-address.js";
import { insertNewPort } from "../shared/insert-new-port.js";
import { removePort } from "../shared/remove-port.js";
import { projectZone } from "../vpc/subnets.js";
import { finishedJob } from "./jobs.js";
import { buildNic, type NicInput } from "./nic-allocation.js";

export interface CreateServersInput {
  name: string;
  imageRef: string;
  flavorRef: string;
  vpcId: string;
  nics: NicInput[];
  rootVolumeType: string;
  rootVolumeSize: number;
  count: number;
  availabilityZone?: string;
  metadata: Record<string, string>;
  keyName?: string;
  description?: string;
  tags?: string[];
  userData?: string;
  schedulerHints?: Record<string, unknown>;
  /** Ids of the security groups every NIC joins; omitted: the project's default group. */
  securityGroups?: string[];
  /** Check everything, create nothing. */
  dryRun?: boolean;
}

/** Ends a dry run's unit of work after every check passed, so the store rolls everything back. */
class DryRunPassed extends Error {}

/** Servers of one request are named `name-0001`, `name-0002`, … when more than one is created. */
function serverName(base: string, index: number, count: number): string {
  return count === 1 ? base : `${base}-${String(index + 1).padStart(4, "0")}`;
}

/**
 * How long a creation's job stays not due while its servers are being written, renewed by each chunk. A process that
 * dies between two chunks leaves a job that falls due after this and completes with the servers written so far.
 */
const WRITING_GRACE_MS = 5 * 60_000;

interface ChunkPlan {
  input: CreateServersInput;
  caller: Caller;
  zone: string;
  groups: string[];
  job: Job;
  now: string;
  /** One per request, as the cloud gives every server of one create call. */
  reservationId: string;
}

/** Writes servers `from` … `to - 1` of the request with their NICs (addresses decided now). */
async function writeChunk(
  context: UseCaseContext,
  tx: Tx,
  plan: ChunkPlan,
  vpcId: string,
  from: number,
  to: number,
): Promise<Server[]> {
  const { input, caller } = plan;
  const allocators = new Allocators(tx);
  const servers: Server[] = [];
  const nics: Port[] = [];
  for (let index = from; index < to; index++) {
    const server: Server = {
      id: context.newId(),
      projectId: caller.projectId,
      name: serverName(input.name, index, input.count),
      status: "BUILD",
      vpcId,
      flavorRef: input.flavorRef,
      imageRef: input.imageRef,
      availabilityZone: plan.zone,
      rootVolumeType: input.rootVolumeType,
      rootVolumeSize: input.rootVolumeSize,
      metadata: input.metadata,
      jobId: plan.job.id,
      keyName: input.keyName ?? "",
      description: input.description ?? "",
      tags: input.tags ?? [],
      userData: input.userData ?? null,
      schedulerHints: input.schedulerHints ?? {},
      userId: caller.userId,
      reservationId: plan.reservationId,
      launchIndex: index,
      launchedAt: null,
      createdAt: plan.now,
      updatedAt: plan.now,
    };
    for (const [nicIndex, nic] of input.nics.entries()) {
      nics.push(await buildNic(context, tx, allocators, caller, server, nic, nicIndex, "BUILD"));
    }
    servers.push(server);
  }
  for (const server of servers) await tx.compute.insertServer(server);
  for (const nic of nics) {
    nic.securityGroupIds = plan.groups;
    await insertNewPort(context, tx, nic);
  }
  return servers;
}

/** Lets other requests' units of work run between two chunks of one large creation. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * POST /v1/{project_id}/cloudservers: addresses are decided now, so conflicts are reported synchronously; the
 * servers stay in BUILD until their job completes. Bounded work per unit: at most `serversPerTransaction` servers
 * are written per transaction, and other requests run between two of them, so a `count=500` create does not stop
 * the store for everyone. Meanwhile the job is RUNNING and not due, and the servers written so far are visible in
 * BUILD (as the cloud shows servers appear one by one). A later chunk that fails (a subnet that ran out of addresses
 * under a concurrent request) removes every server of the request and fails the job: the caller gets the error, and
 * the store holds nothing of the request but its FAIL job.
 */
export async function createServers(
  context: UseCaseContext,
  caller: Caller,
  input: CreateServersInput,
): Promise<{ job: Job; servers: Server[] } | "dry-run-passed"> {
  if (input.count > context.limits.maxServersPerRequest) fail("ecsCountExceeded");
  if (input.nics.length > context.limits.maxNicsPerServer) fail("ecsNicQuotaExceeded");
  if (input.count > 1 && input.nics.some((nic) => nic.ipAddress !== undefined)) {
    fail("ecsInvalidParameter", "A fixed ip_address cannot be given when count is greater than 1.");
  }
  const chunk = Math.max(1, context.limits.serversPerTransaction);
  // A dry run checks everything in one unit of work and rolls it back.
  const firstChunk = input.dryRun ? input.count : Math.min(input.count, chunk);
  const readyAt = () => new Date(context.now().getTime() + context.limits.serverBuildMs).toISOString();
  const notDueYet = () => new Date(context.now().getTime() + WRITING_GRACE_MS).toISOString();
  const first = context.store.write(async (tx) => {
    const vpc = await tx.networks.getVpc(input.vpcId);
    if (!vpc || vpc.projectId !== caller.projectId) fail("ecsVpcMismatch", `VPC ${input.vpcId} does not exist.`);
    const overQuota = checkServerQuota(
      await tx.admin.projectUsage(caller.projectId),
      context.limits.quotas,
      input.flavorRef,
      input.count,
    );
    if (overQuota) fail("ecsQuotaExceeded", `Insufficient ECS quota (${overQuota}).`);
    const project = await tx.iam.getProject(caller.projectId);
    const zone = projectZone(project?.name ?? "");
    if (input.availabilityZone !== undefined && input.availabilityZone !== zone) {
      fail("ecsInvalidParameter", `availability_zone ${input.availabilityZone} does not exist; use ${zone}.`);
    }
    const done = firstChunk === input.count;
    const job: Job = {
      ...finishedJob(context, caller, "createServer", []),
      status: "RUNNING",
      endTime: null,
      readyAt: done ? readyAt() : notDueYet(),
    };
    const groups = await groupsForNewPort(context, tx, caller.projectId, input.securityGroups, true, (_, detail) =>
      fail("ecsVpcMismatch", detail),
    );
    const reservationId = `r-${context.newId().replace(/-/g, "").slice(0, 8)}`;
    const plan: ChunkPlan = { input, caller, zone, groups, job, now: isoNow(context), reservationId };
    const servers = await writeChunk(context, tx, plan, vpc.id, 0, firstChunk);
    job.serverIds = servers.map((server) => server.id);
    await tx.compute.insertJob(job);
    if (input.dryRun) throw new DryRunPassed();
    return { plan, servers };
  });
  const started = await first.catch((error: unknown) => {
    if (error instanceof DryRunPassed) return "dry-run-passed" as const;
    throw error;
  });
  if (started === "dry-run-passed") return started;
  const { plan } = started;
  const servers = [...started.servers];
  for (let from = firstChunk; from < input.count; from += chunk) {
    await yieldToOthers();
    const to = Math.min(input.count, from + chunk);
    try {
      const written = await context.store.write(async (tx) => {
        const vpc = await tx.networks.getVpc(input.vpcId);
        if (!vpc || vpc.projectId !== caller.projectId) fail("ecsVpcMismatch", `VPC ${input.vpcId} does not exist.`);
        const more = await writeChunk(context, tx, plan, vpc.id, from, to);
        const job = await tx.compute.getJob(plan.job.id);
        // Completed meanwhile (its grace ran out): the creation is abandoned rather than half reported.
        if (job?.status !== "RUNNING") throw new Error(`job ${plan.job.id} ended while its servers were being written`);
        await tx.compute.updateJobProgress(
          job.id,
          [...job.serverIds, ...more.map((server) => server.id)],
          to === input.count ? readyAt() : notDueYet(),
        );
        return more;
      });
      servers.push(...written);
    } catch (error) {
      await abandonCreation(context, plan.job.id, error);
      throw error;
    }
  }
  const job = (await context.store.read((tx) => tx.compute.getJob(plan.job.id))) ?? plan.job;
  return { job, servers };
}

/** Removes the servers a failed creation wrote so far and fails its job. */
async function abandonCreation(context: UseCaseContext, jobId: string, error: unknown): Promise<void> {
  await context.store.write(async (tx) => {
    const job = await tx.compute.getJob(jobId);
    if (!job) return;
    const now = isoNow(context);
    for (const id of job.serverIds) {
      const server = await tx.compute.getServer(id, { forUpdate: true });
      if (server) await deleteServerIn(tx, server, now);
    }
    await tx.compute.updateJobProgress(job.id, [], now);
    await tx.compute.updateJob({
      ...job,
      status: "FAIL",
      endTime: now,
      failReason: error instanceof Error ? error.message : String(error),
    });
  });
}

export interface ServerView {
  server: Server;
  nics: Port[];
  /** The groups of the server's primary NIC, as ECS shows a server's groups. */
  securityGroups: { id: string; name: string }[];
}

async function serverGroups(tx: Tx, nics: Port[]): Promise<{ id: string; name: string }[]> {
  const groups: { id: string; name: string }[] = [];
  for (const id of nics[0]?.securityGroupIds ?? []) {
    const group = await tx.securityGroups.getGroup(id);
    if (group) groups.push({ id: group.id, name: group.name });
  }
  return groups;
}

export async function showServer(context: UseCaseContext, caller: Caller, id: string): Promise<ServerView> {
  return context.store.read(async (tx) => {
    const server = await tx.compute.getServer(id);
    if (!server || server.projectId !== caller.projectId) fail("ecsServerNotFound");
    const nics = await tx.ports.listNicsOfServer(id);
    return { server, nics, securityGroups: await serverGroups(tx, nics) };
  });
}

export interface ServerListFilter {
  name?: string;
  status?: string;
  /** Flavor id, exactly. */
  flavor?: string;
  /** Part of an IPv4 address of one of the server's NICs. */
  ip?: string;
  /** Tags the server must all have (`key.value`). */
  tags?: string[];
  reservationId?: string;
  limit: number;
  page: number;
}

export async function listServers(
  context: UseCaseContext,
  caller: Caller,
  filter: ServerListFilter,
): Promise<{ total: number; views: ServerView[] }> {
  return context.store.read(async (tx) => {
    // The cloud matches `name` and `ip` fuzzily (a part of the name, of one of the NICs' addresses).
    const candidates = (await tx.compute.listServers(caller.projectId, { status: filter.status })).filter(
      (server) =>
        (filter.name === undefined || server.name.includes(filter.name)) &&
        (filter.flavor === undefined || server.flavorRef === filter.flavor) &&
        (filter.reservationId === undefined || server.reservationId === filter.reservationId) &&
        (filter.tags === undefined || filter.tags.every((tag) => server.tags.includes(tag))),
    );
    const matching: { server: Server; nics: Port[] }[] = [];
    for (const server of candidates) {
      const nics = await tx.ports.listNicsOfServer(server.id);
      const ip = filter.ip;
      if (ip === undefined || nics.some((nic) => nic.fixedIps.some((fixed) => fixed.ipAddress.includes(ip)))) {
        matching.push({ server, nics });
      }
    }
    const start = (filter.page - 1) * filter.limit;
    const views: ServerView[] = [];
    for (const { server, nics } of matching.slice(start, start + filter.limit)) {
      views.push({ server, nics, securityGroups: await serverGroups(tx, nics) });
    }
    return { total: matching.length, views };
  });
}

async function deleteServerIn(tx: Tx, server: Server, now: string): Promise<void> {
  for (const nic of await tx.ports.listNicsOfServer(server.id)) {
    await removePort(tx, nic, now);
  }
  await tx.compute.deleteServer(server.id);
}

/** Deletes all named servers or none; their NICs leave every VIP they were bound to. */
export async function deleteServers(context: UseCaseContext, caller: Caller, ids: string[]): Promise<Job> {
  return context.store.write(async (tx) => {
    const now = isoNow(context);
    const servers: Server[] = [];
    for (const id of new Set(ids)) {
      const server = await tx.compute.getServer(id, { forUpdate: true });
      if (!server || server.projectId !== caller.projectId) fail("ecsServerNotFound", `The ECS ${id} does not exist.`);
      servers.push(server);
    }
    for (const server of servers) await deleteServerIn(tx, server, now);
    const job = finishedJob(
      context,
      caller,
      "deleteServer",
      servers.map((s) => s.id),
    );
    await tx.compute.insertJob(job);
    return job;
  });
}
