import type { Job, Server } from "../../domain/model.js";
import type { ReadOptions } from "../types.js";

/** Servers and the jobs that create and delete them. */
export interface ComputeRepository {
  insertServer(server: Server): Promise<void>;
  getServer(id: string, options?: ReadOptions): Promise<Server | undefined>;
  /** Replaces name, status, metadata, updated_at and launched_at. */
  updateServer(server: Server): Promise<void>;
  deleteServer(id: string): Promise<void>;
  /** A project's servers by creation time (then id), optionally by exact name and status. */
  listServers(projectId: string, filter: { name?: string; status?: string }): Promise<Server[]>;

  insertJob(job: Job): Promise<void>;
  getJob(id: string): Promise<Job | undefined>;
  /** Replaces a job's outcome: status, end time and failure reason. */
  updateJob(job: Job): Promise<void>;
  /** A creation written in several units of work: the job's servers so far, and when it falls due. */
  updateJobProgress(id: string, serverIds: string[], readyAt: string): Promise<void>;
  /** Running jobs whose `ready_at` has passed, soonest first. */
  listDueJobs(now: string, limit: number): Promise<Job[]>;
}
