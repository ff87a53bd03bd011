/**
 * Every test that needs PostgreSQL goes through the skip helper, so `npm test` on a machine without the server shows
 * those tests as skipped, with the reason, instead of failing them (and CI, which has the server, fails on a skip).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/child-server.js";
import { ungatedStoreVariants } from "../support/store-variant-gates.js";

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("store-parametrised tests", () => {
  it("all go through the skip helper", () => {
    const files = tsFiles(join(REPO_ROOT, "test"))
      .map((path) => relative(REPO_ROOT, path))
      .filter((path) => path !== join("test", "support", "postgres.ts"));
    const users = files.filter((path) =>
      /SERVER_STORE_KINDS|createTestDatabase|cloneTestDatabase/.test(readFileSync(join(REPO_ROOT, path), "utf8")),
    );
    expect(users.length).toBeGreaterThan(10);
    expect(users.flatMap((path) => ungatedStoreVariants(path, readFileSync(join(REPO_ROOT, path), "utf8")))).toEqual(
      [],
    );
  });
});

describe("the guard itself", () => {
  const suite = (beforeEachBody: string) => `
    describe.each(SERVER_STORE_KINDS)("x on $label", (kind) => {
      beforeAll(async () => { await kind.open(); });
      ${beforeEachBody}
      it("works", () => {});
    });`;

  it("flags a SERVER_STORE_KINDS suite that does not skip its missing store", () => {
    expect(ungatedStoreVariants("a.test.ts", suite(""))).toEqual([
      "a.test.ts:2: SERVER_STORE_KINDS suite without a beforeEach that skips when kind.needs.skip",
    ]);
  });

  it("accepts one that does", () => {
    const gated = suite("beforeEach((context) => { if (kind.needs.skip) context.skip(kind.needs.reason); });");
    expect(ungatedStoreVariants("a.test.ts", gated)).toEqual([]);
  });

  it("flags a database made outside a gated suite, and accepts one made inside", () => {
    const ungated = `describe("x", () => { beforeAll(async () => { await createTestDatabase(); }); });`;
    const gated = `describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("x"), () => { beforeAll(async () => { await createTestDatabase(); }); });`;
    expect(ungatedStoreVariants("b.test.ts", ungated)).toEqual([
      "b.test.ts:1: createTestDatabase() outside a skipIf/runIf suite or a gated SERVER_STORE_KINDS suite",
    ]);
    expect(ungatedStoreVariants("b.test.ts", gated)).toEqual([]);
  });

  it("flags SERVER_STORE_KINDS walked some other way", () => {
    expect(
      ungatedStoreVariants("c.test.ts", "for (const kind of SERVER_STORE_KINDS) describe(kind.name, () => {});"),
    ).toEqual([
      "c.test.ts:1: SERVER_STORE_KINDS used outside describe.each(SERVER_STORE_KINDS) (which the guard can check)",
    ]);
  });
});
