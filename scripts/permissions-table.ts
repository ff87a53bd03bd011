/** Rewrites the permissions table in docs/permissions.md from the app's registered routes: `node --import tsx scripts/permissions-table.ts`. */
import { readFileSync, writeFileSync } from "node:fs";
import { buildApp } from "../src/app.js";
import { permissionOf, type RoutePermission } from "../src/http/permission.js";
import type { CatalogedRoute } from "../src/http/plugins/route-catalog.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { defaultContext } from "../src/usecases/context.js";

/** The table's sections, in this order; routes keep their registration order within a section. */
const SECTIONS = ["IAM", "VPC", "EIP", "Neutron", "ECS", "Console", "Operations", "Fault injection"];

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

/** Every route the app registers (HEAD twins of GET routes included), read from an app over an empty store. */
export async function registeredRoutes(): Promise<readonly CatalogedRoute[]> {
  const store = await SqliteStore.open({ path: ":memory:" });
  const app = await buildApp({ context: defaultContext(store), audit: false });
  try {
    return app.routeCatalog;
  } finally {
    await app.close();
    await store.close();
  }
}

export function permissionsTable(routes: readonly CatalogedRoute[]): string {
  const own = routes.filter(
    (route) => route.method !== "HEAD" || !routes.some((other) => other.method === "GET" && other.url === route.url),
  );
  const section = (route: CatalogedRoute) => {
    const index = SECTIONS.indexOf(route.tags[0] ?? "");
    return index < 0 ? SECTIONS.length : index;
  };
  const rows = own
    .map((route, order) => ({ route, order }))
    .sort((a, b) => section(a.route) - section(b.route) || a.order - b.order)
    .map(({ route }) => {
      const path = route.url.replace(/:([a-z_]+)/g, "{$1}");
      return `| ${route.method} | \`${path}\` | ${describe(permissionOf(route.config))} |`;
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
  writeFileSync(PERMISSIONS_PAGE, `${before}\n${permissionsTable(await registeredRoutes())}\n${after}`);
}
