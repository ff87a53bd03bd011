import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import type { ServeConfig } from "../../src/config.js";
import type { Quotas } from "../../src/domain/quotas/quotas.js";

export interface TestServer extends RunningServer {
  projectId: string;
  accessKey: string;
  secretKey: string;
  password: string;
  dir: string;
  db: string;
  /** Stops the server and removes its data directory. */
  dispose: () => Promise<void>;
}

export interface TestServerOptions {
  /** Database URL; a fresh SQLite file in a temporary directory by default. */
  db?: string;
  dir?: string;
  projectId?: string;
  accessKey?: string;
  secretKey?: string;
  /** How long new servers stay in BUILD; raise it where a test must observe the RUNNING job. */
  buildMs?: number;
  /** The admin password; pass the first server's when reopening its store (bootstrap keeps the stored one). */
  password?: string;
  /** `--faults FILE`: fault rules in force from the start. */
  faultsFile?: string;
  /** Requests per second per caller (0: off). */
  rateLimit?: number;
  /** Per-project quotas in place of the defaults, e.g. for tests that create thousands of servers. */
  quotas?: Quotas;
}

export function testIdentity() {
  return {
    projectId: randomBytes(16).toString("hex"),
    accessKey: `AK${randomBytes(8).toString("hex").toUpperCase()}`,
    secretKey: randomBytes(20).toString("base64url"),
    password: "Test-Passw0rd",
  };
}

/** A real server on a free loopback port over a real store; identity is fixed so tests can sign and log in. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "ecs-vip-test-"));
  const identity = { ...testIdentity(), ...definedOnly(options) };
  const db = options.db ?? `sqlite:${join(dir, "ecs-vip.db")}`;
  const config: ServeConfig = {
    host: "127.0.0.1",
    port: 0,
    db,
    dataDir: dir,
    synchronous: "normal",
    serverBuildMs: options.buildMs ?? 300,
    projectName: "local-1",
    bootstrap: {
      accessKey: identity.accessKey,
      secretKey: identity.secretKey,
      projectId: identity.projectId,
      adminPassword: identity.password,
    },
    logLevel: "silent",
    faultsFile: options.faultsFile,
    rateLimit: options.rateLimit ?? 1000,
    ...(options.quotas ? { quotas: options.quotas } : {}),
  };
  const server = await startServer(config, { logger: false });
  return {
    ...server,
    ...identity,
    dir,
    db,
    dispose: async () => {
      await server.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function definedOnly(options: TestServerOptions) {
  return Object.fromEntries(
    Object.entries({
      projectId: options.projectId,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      password: options.password,
    }).filter(([, value]) => value !== undefined),
  );
}
