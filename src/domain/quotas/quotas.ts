import { flavorSize } from "../ecs/flavor.js";

/** Per-project limits the create paths enforce; configurable, with defaults taken from the cloud's examples. */
export interface Quotas {
  vpc: number;
  subnet: number;
  securityGroup: number;
  securityGroupRule: number;
  publicIp: number;
  instances: number;
  cores: number;
  ramMb: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  vpc: 150,
  subnet: 400,
  securityGroup: 100,
  securityGroupRule: 5000,
  publicIp: 10,
  instances: 1000,
  cores: 4000,
  ramMb: 16_384_000,
};

/** What a project holds now, as the store counts it. */
export interface ProjectUsage {
  vpcs: number;
  subnets: number;
  /** Number of servers per flavorRef. */
  serversByFlavor: Record<string, number>;
}

export interface ServerUsage {
  instances: number;
  cores: number;
  ramMb: number;
}

export function serverUsage(usage: ProjectUsage): ServerUsage {
  const total: ServerUsage = { instances: 0, cores: 0, ramMb: 0 };
  for (const [flavor, count] of Object.entries(usage.serversByFlavor)) {
    const size = flavorSize(flavor);
    total.instances += count;
    total.cores += size.vcpus * count;
    total.ramMb += size.ramMb * count;
  }
  return total;
}

export type ServerQuotaRefusal = "instances" | "cores" | "ram";

/** Whether `count` more servers of `flavorRef` fit the project's server quotas. */
export function checkServerQuota(
  usage: ProjectUsage,
  quotas: Quotas,
  flavorRef: string,
  count: number,
): ServerQuotaRefusal | undefined {
  const used = serverUsage(usage);
  const size = flavorSize(flavorRef);
  if (used.instances + count > quotas.instances) return "instances";
  if (used.cores + size.vcpus * count > quotas.cores) return "cores";
  if (used.ramMb + size.ramMb * count > quotas.ramMb) return "ram";
  return undefined;
}
