/** Rewrites the permissions table in docs/permissions.md from src/http/openapi/permissions.ts: `node --import tsx scripts/permissions-table.ts`. */
import { readFileSync, writeFileSync } from "node:fs";
import { PERMISSIONS, type RoutePermission } from "../src/http/openapi/permissions.js";

function describe(permission: RoutePermission): string {
  switch (permission.kind) {
    case "public":
      return "public (no credentials)";
    case "self":
      return "any user, on itself only";
    case "admin":
      return "the account's admin group";
    case "action": {
      const actions = permission.actions.map((action) => `\`${action}\``).join(permission.byBody ? " / " : " + ");
      return `${actions}${permission.byBody ? " (by the body's action)" : ""}${permission.self ? "; a user on itself needs none" : ""}`;
    }
  }
}

export function permissionsTable(): string {
  const rows = Object.entries(PERMISSIONS).map(([route, permission]) => {
    const [method, path] = route.split(" ") as [string, string];
    return `| ${method} | \`${path.replace(/:([a-z_]+)/g, "{$1}")}\` | ${describe(permission)} |`;
  });
  return ["| method | path | action the caller's roles must allow |", "|---|---|---|", ...rows].join("\n");
}

const START = "<!-- permissions:start -->";
const END = "<!-- permissions:end -->";
/** The page that holds the table, between START and END. */
export const PERMISSIONS_PAGE = "docs/permissions.md";

if (process.argv[1]?.endsWith("permissions-table.ts")) {
  const page = readFileSync(PERMISSIONS_PAGE, "utf8");
  const before = page.slice(0, page.indexOf(START) + START.length);
  const after = page.slice(page.indexOf(END));
  writeFileSync(PERMISSIONS_PAGE, `${before}\n${permissionsTable()}\n${after}`);
}
