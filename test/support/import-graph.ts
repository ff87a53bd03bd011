/**
 * The import graph of `src/`, read with the TypeScript compiler's own pre-processor (type-only imports included: a
 * cycle through types is still two files that cannot be read apart), and the two things wrong with one: cycles, and
 * `domain/` importing anything outside itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** File (relative to the root, `/`-separated) → the specifiers it imports or re-exports, as written. */
export type ImportGraph = Map<string, string[]>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every `.ts` file under `root` with what it imports (static imports, re-exports, `import()` and `require`). */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(root).sort()) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    graph.set(
      relative(root, file).split("\\").join("/"),
      info.importedFiles.map((imported) => imported.fileName),
    );
  }
  return graph;
}

/** The file `specifier` names from `from`, if it is one of the graph's (ESM `.js` specifiers name `.ts` sources). */
export function resolveImport(graph: ImportGraph, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve("/", dirname(from), specifier).slice(1);
  const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((candidate) => graph.has(candidate));
}

/** Each cycle once, as the files around it starting from the alphabetically first (`a → b → a` is ["a", "b"]). */
export function importCycles(graph: ImportGraph): string[][] {
  const edges = new Map<string, string[]>();
  for (const [file, specifiers] of graph) {
    const targets = specifiers.flatMap((specifier) => resolveImport(graph, file, specifier) ?? []);
    edges.set(file, [...new Set(targets)].sort());
  }
  // Tarjan's strongly connected components; every component of more than one file (or a file importing itself)
  // holds at least one cycle, and we report the shortest one through its first file, which names the files to untie.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = component.length === 1 && (edges.get(file) ?? []).includes(file);
      if (component.length > 1 || selfImport) components.push(component.sort());
    }
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return components.flatMap((component) => {
    const members = new Set(component);
    const cycles: string[][] = [];
    const reported = new Set<string>();
    // One shortest cycle through each file of the component, so a knot of three cycles shows as three.
    for (const start of component) {
      const path = shortestCycle(start, edges, members);
      if (!path) continue;
      const first = path.indexOf([...path].sort()[0] as string);
      const rotated = [...path.slice(first), ...path.slice(0, first)];
      const key = rotated.join(" → ");
      if (!reported.has(key)) {
        reported.add(key);
        cycles.push(rotated);
      }
    }
    return cycles;
  });
}

function shortestCycle(start: string, edges: Map<string, string[]>, members: Set<string>): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const next of edges.get(file) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] as string) as string);
        return path;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** `file → specifier` for each import from `domain/` of anything outside `domain/` (packages and Node included). */
export function domainImportsOutside(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [file, specifiers] of graph) {
    if (!file.startsWith("domain/")) continue;
    for (const specifier of specifiers) {
      const target = resolveImport(graph, file, specifier);
      if (!target?.startsWith("domain/")) found.push(`${file} → ${specifier}`);
    }
  }
  return found.sort();
}
