import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Identity } from "../support/child-server.js";
import { REPO_ROOT } from "../support/child-server.js";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --import tsx src/main.ts …args` as a user runs it: in `cwd` (default the repository), with none of the
 * parent's ECS_VIP_* settings unless given in `env`.
 */
export function ecsVip(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; uid?: number; gid?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(base)) if (key.startsWith("ECS_VIP_")) delete base[key];
    // tsx by path: the working directory may be anywhere.
    const tsx = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, join(REPO_ROOT, "src", "main.ts"), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...base, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      uid: options.uid,
      gid: options.gid,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function newIdentity(): Identity {
  return {
    projectId: randomBytes(16).toString("hex"),
    accessKey: `AK${randomBytes(8).toString("hex").toUpperCase()}`,
    secretKey: randomBytes(20).toString("base64url"),
    password: `Pw-${randomBytes(6).toString("hex")}`,
  };
}

/** No stack trace: no `    at ` frame lines. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s/m.test(text);
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}
