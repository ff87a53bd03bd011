import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES_PAGE, errorCodesTable } from "../../scripts/error-codes-table.js";
import { PERMISSIONS_PAGE, permissionsTable, registeredRoutes } from "../../scripts/permissions-table.js";
import { ERRORS } from "../../src/errors/registry.js";

describe("the error registry", () => {
  it("is documented in docs/error-codes.md exactly (regenerate with scripts/error-codes-table.ts)", () => {
    expect(readFileSync(ERROR_CODES_PAGE, "utf8")).toContain(errorCodesTable());
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

describe("the permissions table", () => {
  it("is documented in docs/permissions.md exactly (regenerate with scripts/permissions-table.ts)", async () => {
    expect(readFileSync(PERMISSIONS_PAGE, "utf8")).toContain(permissionsTable(await registeredRoutes()));
  });
});
