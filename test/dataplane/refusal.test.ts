import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../support/child-server.js";

it("serve --dataplane netns refuses to start with one line naming what is missing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-dp-refuse-"));
  try {
    // No `ip` and no `nft` on this PATH (node itself is started by its full path).
    const result = await runCli(["serve", "--dataplane", "netns", "--port", "0", "--db", `sqlite:${join(dir, "db")}`], {
      PATH: join(dir, "empty"),
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ecs-vip: --dataplane netns needs .*the ip command.*the nft command.*; not starting$/);
    expect(result.stdout).not.toContain("serving on");
    expect(existsSync(join(dir, "db"))).toBe(false); // refused before creating anything
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it("rejects an unknown --dataplane mode as a usage error", async () => {
  const result = await runCli(["serve", "--dataplane", "vxlan", "--port", "0"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("error: --dataplane must be off or netns");
  expect(result.stderr).toContain("usage: ecs-vip serve");
}, 60_000);
