/** Rewrites the error-code table in docs/error-codes.md from the registry: `node --import tsx scripts/error-codes-table.ts`. */
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
/** The page that holds the table, between START and END. */
export const ERROR_CODES_PAGE = "docs/error-codes.md";

if (process.argv[1]?.endsWith("error-codes-table.ts")) {
  const page = readFileSync(ERROR_CODES_PAGE, "utf8");
  const before = page.slice(0, page.indexOf(START) + START.length);
  const after = page.slice(page.indexOf(END));
  writeFileSync(ERROR_CODES_PAGE, `${before}\n${errorCodesTable()}\n${after}`);
}
