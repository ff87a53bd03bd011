/**
 * What the machine running the tests offers, and why not when it does not. A test that needs a service, a privilege
 * or a Debian package it lacks is reported as skipped with the reason in its name, never dropped from the count:
 *
 *   const needs = requires(POSTGRES);
 *   describe.skipIf(needs.skip)(needs.title("binds on PostgreSQL"), () => { ... });
 *
 * CI provides everything and fails on any skipped test (`.ci/check-report.mjs`), so a local green run that skipped
 * something never passes for a full one.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export interface Requirement {
  /** Short name shown in skipped test titles: "PostgreSQL", "root", ... */
  name: string;
  available: boolean;
  /** Why it is missing and how to provide it; "" when available. */
  missing: string;
}

function requirement(name: string, probe: () => string | undefined): Requirement {
  let missing: string | undefined;
  try {
    missing = probe();
  } catch (error) {
    missing = error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
  return { name, available: missing === undefined, missing: missing ?? "" };
}

/** The absolute path of `command` on PATH (plus the sbin directories a non-login root shell may lack), if any. */
export function findExecutable(command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * The PostgreSQL server named by ECS_VIP_TEST_PG, which the test run's global setup (`postgres-probe.ts`) sets to a
 * local server it found when the variable was unset. Not probed here: when it is named but down, the tests must fail.
 */
export const POSTGRES: Requirement = requirement("PostgreSQL", () => {
  if (process.env.ECS_VIP_TEST_PG) return undefined;
  return process.env.ECS_VIP_TEST_PG_MISSING ?? "set ECS_VIP_TEST_PG=postgres://user@host:port/db to run it";
});

export const ROOT: Requirement = requirement("root", () => (isRoot() ? undefined : "needs root (uid 0)"));

/** Creating a network namespace (root, iproute2, and a kernel and container that allow it). */
export const NETNS: Requirement = requirement("network namespaces", () => {
  if (!isRoot()) return "needs root (uid 0) to create network namespaces";
  if (!findExecutable("ip")) return "needs the ip command (apt-get install iproute2)";
  const unshare = findExecutable("unshare");
  if (!unshare) return "needs unshare (apt-get install util-linux)";
  execFileSync(unshare, ["--net", "true"], { stdio: "ignore", timeout: 5_000 });
  return undefined;
});

export const NFTABLES: Requirement = requirement("nftables", () => {
  if (!isRoot()) return "needs root (uid 0) to load nftables rules";
  return findExecutable("nft") ? undefined : "needs nft (apt-get install nftables)";
});

export const KEEPALIVED: Requirement = requirement("keepalived", () =>
  findExecutable("keepalived") ? undefined : "needs keepalived (apt-get install keepalived)",
);

/** The stock OpenStack client (Debian's python3-openstackclient), as users drive Neutron with it. */
export const OPENSTACK_CLIENT: Requirement = requirement("openstack client", () =>
  findExecutable("openstack") ? undefined : "needs the openstack command (apt-get install python3-openstackclient)",
);

/** Debian's chromium for playwright-core (CHROMIUM_PATH overrides where it is). */
export const CHROMIUM: Requirement = requirement("chromium", () => {
  const path = process.env.CHROMIUM_PATH ?? findExecutable("chromium");
  if (!path) return "needs Debian's chromium (apt-get install chromium) or CHROMIUM_PATH";
  accessSync(path, constants.X_OK);
  return undefined;
});

export interface Needs {
  /** True when any requirement is missing: pass to `describe.skipIf` / `it.skipIf`. */
  skip: boolean;
  /** Why the tests are skipped ("" when they run). */
  reason: string;
  /** `title`, plus "[skipped: reason]" when something is missing, so the report says why. */
  title(title: string): string;
}

export function requires(...requirements: Requirement[]): Needs {
  const lacking = requirements.filter((each) => !each.available);
  const reason = lacking.map((each) => `no ${each.name}: ${each.missing}`).join("; ");
  return {
    skip: lacking.length > 0,
    reason,
    title: (title) => (lacking.length > 0 ? `${title} [skipped: ${reason}]` : title),
  };
}
