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
/** setpriv's arguments that take the file-permission overrides out of root's capabilities for the command. */
export const WITHOUT_FILE_OVERRIDE = ["--bounding-set", "-dac_override,-dac_read_search"];

export function ecsVip(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; withoutFileOverride?: boolean } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(base)) if (key.startsWith("ECS_VIP_")) delete base[key];
    // tsx by path: the working directory may be anywhere.
    const tsx = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
    const node = [process.execPath, "--import", tsx, join(REPO_ROOT, "src", "main.ts"), ...args];
    // Root without the capabilities that pass over file permissions: what an ordinary user would meet, while the
    // checkout (root's own files) stays readable wherever it was cloned.
    const command = options.withoutFileOverride ? ["setpriv", ...WITHOUT_FILE_OVERRIDE, "--", ...node] : node;
    const child = spawn(command[0] as string, command.slice(1), {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...base, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
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
