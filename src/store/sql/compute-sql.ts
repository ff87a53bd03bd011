import type { Job, Server } from "../../domain/model.js";
import type { ComputeRepository } from "../repositories/compute.js";
import type { ReadOptions } from "../types.js";
import type { SqlContext } from "./context.js";
import { Query } from "./query.js";
import { jobFromRow, serverFromRow } from "./rows.js";

export class ComputeSql implements ComputeRepository {
  constructor(private readonly context: SqlContext) {}

  private get db() {
    return this.context.db;
  }

  async insertServer(s: Server): Promise<void> {
    this.context.changes.servers.add(s.id);
    await this.db.run(
      `INSERT INTO servers (id, project_id, name, status, vpc_id, flavor_ref, image_ref, availability_zone,
        root_volume_type, root_volume_size, metadata, job_id, created_at, updated_at, key_name, description, tags,
        user_data, scheduler_hints, user_id, reservation_id, launch_index, launched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.id,
        s.projectId,
        s.name,
        s.status,
        s.vpcId,
        s.flavorRef,
        s.imageRef,
        s.availabilityZone,
        s.rootVolumeType,
        s.rootVolumeSize,
        JSON.stringify(s.metadata),
        s.jobId,
        s.createdAt,
        s.updatedAt,
        s.keyName ?? "",
        s.description ?? "",
        JSON.stringify(s.tags ?? []),
        s.userData ?? null,
        JSON.stringify(s.schedulerHints ?? {}),
        s.userId ?? "",
        s.reservationId ?? "",
        s.launchIndex ?? 0,
        s.launchedAt ?? null,
      ],
    );
  }

  async getServer(id: string, options?: ReadOptions): Promise<Server | undefined> {
    const row = await new Query(this.context.dialect, "servers").where("id = ?", id).forUpdate(options).first(this.db);
    return row ? serverFromRow(row) : undefined;
  }

  async updateServer(s: Server): Promise<void> {
    this.context.changes.servers.add(s.id);
    await this.db.run(
      "UPDATE servers SET name = ?, status = ?, metadata = ?, updated_at = ?, launched_at = ? WHERE id = ?",
      [s.name, s.status, JSON.stringify(s.metadata), s.updatedAt, s.launchedAt ?? null, s.id],
    );
  }

  async deleteServer(id: string): Promise<void> {
    this.context.changes.servers.add(id);
    await this.db.run("DELETE FROM servers WHERE id = ?", [id]);
  }

  async listServers(projectId: string, filter: { name?: string; status?: string }): Promise<Server[]> {
    const query = new Query(this.context.dialect, "servers")
      .where("project_id = ?", projectId)
      .equal("name", filter.name)
      .equal("status", filter.status)
      .orderBy("created_at, id");
    return (await query.all(this.db)).map(serverFromRow);
  }

  async insertJob(job: Job): Promise<void> {
    await this.db.run(
      `INSERT INTO jobs (id, project_id, job_type, status, server_ids, begin_time, end_time, ready_at, fail_reason,
        nic_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        job.id,
        job.projectId,
        job.jobType,
        job.status,
        JSON.stringify(job.serverIds),
        job.beginTime,
        job.endTime,
        job.readyAt,
        job.failReason,
        JSON.stringify(job.nicIds ?? []),
      ],
    );
  }

  async getJob(id: string): Promise<Job | undefined> {
    const row = await new Query(this.context.dialect, "jobs").where("id = ?", id).first(this.db);
    return row ? jobFromRow(row) : undefined;
  }

  async updateJob(job: Job): Promise<void> {
    await this.db.run("UPDATE jobs SET status = ?, end_time = ?, fail_reason = ? WHERE id = ?", [
      job.status,
      job.endTime,
      job.failReason,
      job.id,
    ]);
  }

  async updateJobProgress(id: string, serverIds: string[], readyAt: string): Promise<void> {
    await this.db.run("UPDATE jobs SET server_ids = ?, ready_at = ? WHERE id = ?", [
      JSON.stringify(serverIds),
      readyAt,
      id,
    ]);
  }

  async listDueJobs(now: string, limit: number): Promise<Job[]> {
    const query = new Query(this.context.dialect, "jobs")
      .where("status = 'RUNNING'")
      .where("ready_at <= ?", now)
      .orderBy("ready_at, id")
      .limit(limit);
    return (await query.all(this.db)).map(jobFromRow);
  }
}
