import type { ProjectUsage } from "../../domain/quotas/quotas.js";
import type { NetworkState } from "../types.js";

/** What looks across areas: settings kept in the store, quota usage, the data plane's view, the whole dump. */
export interface AdminRepository {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** What a project holds, counted for its quotas. */
  projectUsage(projectId: string): Promise<ProjectUsage>;
  /** Every subnet, server and port of every project, by id: what the data plane lays on the wire. */
  networkState(): Promise<NetworkState>;
  /** Every row of every table in a stable order: for invariant checks and "nothing changed" assertions. */
  dump(): Promise<Record<string, Record<string, unknown>[]>>;
}
