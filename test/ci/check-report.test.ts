/** CI's verdict on a vitest JSON report: a skipped test fails the run, and the slowest tests are printed. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/child-server.js";
import { type Requirement, requires } from "../support/requirements.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-vip-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verdict(statuses: string[]) {
  const report = {
    success: !statuses.includes("failed"),
    numPassedTests: statuses.filter((s) => s === "passed").length,
    numFailedTests: statuses.filter((s) => s === "failed").length,
    testResults: [
      {
        name: "/x/test/a.test.ts",
        assertionResults: statuses.map((status, i) => ({
          fullName: `test ${i}`,
          status,
          duration: status === "passed" ? 1000 * (i + 1) : undefined,
        })),
      },
    ],
  };
  const file = join(dir, `${statuses.join("-")}.json`);
  writeFileSync(file, JSON.stringify(report));
  return spawnSync(process.execPath, [".ci/check-report.mjs", file], { cwd: REPO_ROOT, encoding: "utf8" });
}

describe(".ci/check-report.mjs", () => {
  it("passes a run where every test passed, printing the slowest first", () => {
    const result = verdict(["passed", "passed", "passed"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Slowest ten tests:\n\s+3\.0 s {2}test 2\n\s+2\.0 s {2}test 1/);
  });

  it("fails a run with a skipped or todo test, naming it", () => {
    for (const status of ["skipped", "pending", "todo"]) {
      const result = verdict(["passed", status]);
      expect(result.status, status).toBe(1);
      expect(result.stderr).toContain(`${status}: test 1`);
    }
  });

  it("fails a run with a failed test, and an empty run", () => {
    expect(verdict(["passed", "failed"]).status).toBe(1);
    expect(verdict([]).status).toBe(1);
  });
});

describe("requires()", () => {
  const missing: Requirement = { name: "thing", available: false, missing: "install thing" };
  const present: Requirement = { name: "other", available: true, missing: "" };

  it("skips with the reason in the title when something is missing", () => {
    const needs = requires(present, missing);
    expect(needs.skip).toBe(true);
    expect(needs.title("does X")).toBe("does X [skipped: no thing: install thing]");
  });

  it("runs with the title unchanged when everything is there", () => {
    const needs = requires(present);
    expect(needs).toMatchObject({ skip: false, reason: "" });
    expect(needs.title("does X")).toBe("does X");
  });
});
