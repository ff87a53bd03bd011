import { ConfigError } from "./config-error.js";
import { DEFAULT_QUOTAS, type Quotas } from "./domain/quotas/quotas.js";

/** Environment variable per quota; unset ones keep their default. */
export const QUOTA_ENV: Record<keyof Quotas, string> = {
  vpc: "ECS_VIP_QUOTA_VPC",
  subnet: "ECS_VIP_QUOTA_SUBNET",
  securityGroup: "ECS_VIP_QUOTA_SECURITY_GROUP",
  securityGroupRule: "ECS_VIP_QUOTA_SECURITY_GROUP_RULE",
  publicIp: "ECS_VIP_QUOTA_PUBLIC_IP",
  instances: "ECS_VIP_QUOTA_INSTANCES",
  cores: "ECS_VIP_QUOTA_CORES",
  ramMb: "ECS_VIP_QUOTA_RAM_MB",
};

export function quotasFromEnv(env: NodeJS.ProcessEnv): Quotas {
  const quotas: Quotas = { ...DEFAULT_QUOTAS };
  for (const [key, name] of Object.entries(QUOTA_ENV) as [keyof Quotas, string][]) {
    const text = env[name];
    if (text === undefined) continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
    }
    quotas[key] = value;
  }
  return quotas;
}
