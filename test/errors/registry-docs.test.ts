import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorCodesTable } from "../../scripts/error-codes-table.js";
import { permissionsTable, registeredRoutes } from "../../scripts/permissions-table.js";
import { ERRORS } from "../../src/errors/registry.js";

describe("the error registry", () => {
  it("is documented in README exactly (regenerate with scripts/error-codes-table.ts)", () => {
    expect(readFileSync("README.md", "utf8")).toContain(errorCodesTable());
  });

  it("has one status per code and envelope", () => {
    const seen = new Map<string, number>();
    for (const spec of Object.values(ERRORS)) {
      const key = `${spec.envelope}:${spec.code}`;
      if (seen.has(key) && spec.envelope !== "apigw") expect(seen.get(key)).toBe(spec.status);
      seen.set(key, spec.status);
      expect(spec.status).toBeGreaterThanOrEqual(400);
    }
  });
});

/** The rows of a markdown table between two markers, in no particular order. */
function tableRows(text: string, start: string, end: string): string[] {
  const table = text.slice(text.indexOf(start) + start.length, text.indexOf(end));
  return table
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .sort();
}

describe("the permissions table", () => {
  it("documents in README the permission of every registered route (regenerate with scripts/permissions-table.ts)", async () => {
    const generated = permissionsTable(await registeredRoutes());
    const documented = tableRows(
      readFileSync("README.md", "utf8"),
      "<!-- permissions:start -->",
      "<!-- permissions:end -->",
    );
    expect(documented).toEqual(generated.split("\n").sort());
  });
});
