/** The layers hold: no import cycles in `src/`, and `domain/` (pure) imports nothing from outside itself. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/child-server.js";
import { domainImportsOutside, type ImportGraph, importCycles, readImportGraph } from "../support/import-graph.js";

const graph = readImportGraph(join(REPO_ROOT, "src"));
const showCycle = (cycle: string[]) => [...cycle, cycle[0]].join(" → ");

describe("the import graph of src/", () => {
  it("reads the tree it guards", () => {
    expect(graph.get("main.ts")?.length).toBeGreaterThan(0);
    expect([...graph.keys()].filter((file) => file.startsWith("domain/")).length).toBeGreaterThan(10);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph).map(showCycle)).toEqual([]);
  });

  it("has domain/ import nothing outside domain/", () => {
    expect(domainImportsOutside(graph)).toEqual([]);
  });
});

describe("the checks themselves", () => {
  const fixture: ImportGraph = new Map([
    ["a.ts", ["./b.js"]],
    ["b.ts", ["./c.js", "./d.js"]],
    ["c.ts", ["./a.js"]],
    ["d.ts", ["./b.js", "node:fs"]],
    ["e.ts", ["./e.js"]],
    ["domain/pure.ts", ["./other.js", "../a.js", "node:crypto", "pg"]],
    ["domain/other.ts", []],
  ]);

  it("names every cycle, once, from its alphabetically first file", () => {
    expect(importCycles(fixture).map(showCycle).sort()).toEqual([
      "a.ts → b.ts → c.ts → a.ts",
      "b.ts → d.ts → b.ts",
      "e.ts → e.ts",
    ]);
  });

  it("names each import leaving domain/, packages and Node's modules included", () => {
    expect(domainImportsOutside(fixture)).toEqual([
      "domain/pure.ts → ../a.js",
      "domain/pure.ts → node:crypto",
      "domain/pure.ts → pg",
    ]);
  });
});
