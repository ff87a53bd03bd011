import { dirname, resolve } from "node:path";
import { DEFAULT_SECURITY } from "./auth/security-settings.js";
import { ConfigError } from "./config-error.js";
import { quotasFromEnv } from "./config-quotas.js";
import { parsePool } from "./domain/eips/model.js";
import { DEFAULT_LIMITS } from "./domain/limits.js";
import { DEFAULT_PREFIX, isValidPrefix } from "./domain/portsec/names.js";
import type { Quotas } from "./domain/quotas/quotas.js";
import { sqlitePath } from "./store/database-url.js";
import type { SqliteSynchronous } from "./store/sqlite/sqlite-store.js";

export interface ServeConfig {
  host: string;
  port: number;
  /** `sqlite:PATH` or `postgres://…`. */
  db: string;
  /** Where credentials.json goes: beside the SQLite file by default, ./data for other databases. */
  dataDir: string;
  synchronous: SqliteSynchronous;
  /** How long a new server stays in BUILD before its creation job completes. */
  serverBuildMs: number;
  /** `--eip-pool` / `ECS_VIP_EIP_POOL`: the IPv4 block EIPs are assigned from (default 198.51.100.0/24). */
  eipPool?: string;
  projectName: string;
  bootstrap: {
    accessKey?: string;
    secretKey?: string;
    projectId?: string;
    adminPassword?: string;
  };
  logLevel: string;
  /** Per-project quotas (ECS_VIP_QUOTA_*); defaults where unset. */
  quotas?: Quotas;
  /** `netns`: bound virtual IPs carry traffic between network namespaces (root only); `off` by default. */
  dataplane?: "off" | "netns";
  /** Prefix of every namespace the data plane creates. */
  dataplanePrefix?: string;
  /** `--faults FILE`: fault rules (JSON or YAML) in force from the start. */
  faultsFile?: string;
  /** Requests per second per caller (burst as many); 0 turns the rate limit off. */
  rateLimit: number;
  /** 64 hex characters from ECS_VIP_MASTER_KEY; else the key file in the data directory. */
  masterKey?: string;
  /** Base URL for the token catalog and links; default the listener's `http://host:port`. */
  publicUrl?: string;
}

export const DEFAULT_DB = "sqlite:./data/ecs-vip.db";

function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === `--${name}`) {
      const value = args[i + 1];
      if (value === undefined) throw new ConfigError(`--${name} needs a value`);
      return value;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** Flags win over environment variables, which win over the embedded defaults. */
export function serveConfig(args: string[], env: NodeJS.ProcessEnv): ServeConfig {
  const port = Number(flagValue(args, "port") ?? env.ECS_VIP_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`invalid port: ${port}`);
  const synchronous = (flagValue(args, "sync") ?? env.ECS_VIP_SYNC ?? "full").toLowerCase();
  if (synchronous !== "full" && synchronous !== "normal") throw new ConfigError(`--sync must be full or normal`);
  const serverBuildMs = Number(flagValue(args, "build-ms") ?? env.ECS_VIP_BUILD_MS ?? DEFAULT_LIMITS.serverBuildMs);
  if (!Number.isInteger(serverBuildMs) || serverBuildMs < 0 || serverBuildMs > 3_600_000) {
    throw new ConfigError(`--build-ms must be an integer from 0 to 3600000, got ${serverBuildMs}`);
  }
  const eipPool = flagValue(args, "eip-pool") ?? env.ECS_VIP_EIP_POOL ?? DEFAULT_LIMITS.eipPool;
  if (!parsePool(eipPool)) throw new ConfigError(`--eip-pool must be an IPv4 CIDR from /8 to /30, got ${eipPool}`);
  const projectId = env.ECS_VIP_BOOTSTRAP_PROJECT_ID;
  if (projectId !== undefined && !/^[0-9a-f]{32}$/.test(projectId)) {
    throw new ConfigError("ECS_VIP_BOOTSTRAP_PROJECT_ID must be 32 lowercase hex characters");
  }
  const db = flagValue(args, "db") ?? env.ECS_VIP_DB ?? DEFAULT_DB;
  const dataplane = flagValue(args, "dataplane") ?? env.ECS_VIP_DATAPLANE ?? "off";
  if (dataplane !== "off" && dataplane !== "netns") throw new ConfigError(`--dataplane must be off or netns`);
  const dataplanePrefix = env.ECS_VIP_DATAPLANE_PREFIX ?? DEFAULT_PREFIX;
  if (!isValidPrefix(dataplanePrefix)) {
    throw new ConfigError("ECS_VIP_DATAPLANE_PREFIX must be a lowercase letter then up to 11 letters or digits");
  }
  return {
    host: flagValue(args, "host") ?? env.ECS_VIP_HOST ?? "127.0.0.1",
    port,
    db,
    dataDir: resolve(flagValue(args, "data-dir") ?? env.ECS_VIP_DATA_DIR ?? defaultDataDir(db)),
    synchronous,
    serverBuildMs,
    eipPool,
    projectName: env.ECS_VIP_PROJECT_NAME ?? "local-1",
    bootstrap: {
      accessKey: env.ECS_VIP_BOOTSTRAP_AK,
      secretKey: env.ECS_VIP_BOOTSTRAP_SK,
      projectId,
      adminPassword: env.ECS_VIP_ADMIN_PASSWORD,
    },
    logLevel: flagValue(args, "log-level") ?? env.ECS_VIP_LOG_LEVEL ?? "info",
    quotas: quotasFromEnv(env),
    dataplane,
    dataplanePrefix,
    faultsFile: flagValue(args, "faults"),
    rateLimit: rateLimitOf(flagValue(args, "rate-limit") ?? env.ECS_VIP_RATE_LIMIT),
    masterKey: masterKeyOf(env.ECS_VIP_MASTER_KEY),
    publicUrl: publicUrlOf(flagValue(args, "public-url") ?? env.ECS_VIP_PUBLIC_URL),
  };
}

/** `ecs-vip check [--db URL]`: the database to check, with the same environment variable and default as `serve`. */
export function checkConfig(args: string[], env: NodeJS.ProcessEnv): { db: string } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--db") i++;
    else if (!arg.startsWith("--db=")) throw new ConfigError(`unknown argument ${arg}`);
  }
  return { db: flagValue(args, "db") ?? env.ECS_VIP_DB ?? DEFAULT_DB };
}

function defaultDataDir(db: string): string {
  const path = sqlitePath(db);
  return path ? dirname(path) : resolve("data");
}

function rateLimitOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SECURITY.rateLimit;
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 0)
    throw new ConfigError(`--rate-limit must be a whole number >= 0, got ${text}`);
  return rate;
}

function masterKeyOf(text: string | undefined): string | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new ConfigError("ECS_VIP_MASTER_KEY must be 64 hex characters");
  return text;
}

function publicUrlOf(text: string | undefined): string | undefined {
  if (text === undefined || text === "") return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--public-url must be an http(s) URL, got ${text}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`--public-url must be an http(s) URL, got ${text}`);
  }
  return text.replace(/\/+$/, "");
}
