import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, serverEnv } from "../support/child-server.js";
import { newIdentity } from "./cli-process.js";

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Every process below `pid`. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-npm-start-"));
  beforeAll(() => {
    // `npm install` / `npm ci` build dist/ (prepare); build it here only when missing.
    if (!existsSync(join(REPO_ROOT, "dist", "main.js"))) execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT });
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes SIGTERM to the server: kill -TERM of the npm process stops the server gracefully", async () => {
    const npm = spawn("npm", ["start"], {
      cwd: REPO_ROOT,
      env: serverEnv(newIdentity(), {
        ECS_VIP_PORT: "0",
        ECS_VIP_DB: `sqlite:${join(dir, "ecs-vip.db")}`,
        ECS_VIP_LOG_LEVEL: "warn",
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    npm.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    npm.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !/serving on (http:\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const url = /serving on (http:\S+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    // With `exec` the server is npm's own child, not a shell's.
    const below = descendantsOf(npm.pid as number);
    expect(below.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0])).toEqual(["node"]);
    expect((await fetch(`${url}/v3`)).status).toBe(200);

    process.kill(npm.pid as number, "SIGTERM");
    const timer = setTimeout(() => npm.kill("SIGKILL"), 20_000);
    const code = await exited;
    clearTimeout(timer);
    for (let i = 0; i < 50 && below.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    const leftRunning = below.filter(alive);
    for (const pid of leftRunning) process.kill(pid, "SIGKILL");
    expect(leftRunning).toEqual([]);
    expect(out).toContain("SIGTERM: finishing requests in flight");
    expect(code).toBe(0);
    await expect(fetch(`${url}/v3`)).rejects.toThrow();
  }, 120_000);
});
