import { type Quotas, serverUsage } from "../domain/quotas/quotas.js";
import type { Caller, UseCaseContext } from "./context.js";

export interface QuotaUsage {
  quotas: Quotas;
  vpcs: number;
  subnets: number;
  instances: number;
  cores: number;
  ramMb: number;
}

/** A project's quotas and what it uses of them, read in one snapshot. */
export async function projectQuotaUsage(context: UseCaseContext, caller: Caller): Promise<QuotaUsage> {
  const usage = await context.store.read((tx) => tx.admin.projectUsage(caller.projectId));
  return { quotas: context.limits.quotas, vpcs: usage.vpcs, subnets: usage.subnets, ...serverUsage(usage) };
}
