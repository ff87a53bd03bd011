/** Rewrites the error-code table in README.md from the registry: `node --import tsx scripts/error-codes-table.ts`. */
import { readFileSync, writeFileSync } from "node:fs";
import { ERRORS } from "../src/errors/registry.js";

export function errorCodesTable(): string {
  const rows = Object.values(ERRORS).map(
    (spec) => `| ${spec.envelope} | \`${spec.code}\` | ${spec.status} | ${spec.message} |`,
  );
  return ["| service | code | HTTP | message |", "|---|---|---|---|", ...rows].join("\n");
}

const START = "<!-- error-codes:start -->";
const END = "<!-- error-codes:end -->";

if (process.argv[1]?.endsWith("error-codes-table.ts")) {
  const readme = readFileSync("README.md", "utf8");
  const before = readme.slice(0, readme.indexOf(START) + START.length);
  const after = readme.slice(readme.indexOf(END));
  writeFileSync("README.md", `${before}\n${errorCodesTable()}\n${after}`);
}
