import { run } from "./command.js";

export class DataplaneUnavailableError extends Error {}

/**
 * The data plane needs root (network namespaces, links, nftables) and the `ip`, `nft` and `sysctl` programs
 * (routers forward, bridged traffic passes the inet hooks for security groups). Throws one line
 * naming everything that is missing.
 */
export async function checkPrerequisites(): Promise<void> {
  const missing: string[] = [];
  if (typeof process.getuid === "function" && process.getuid() !== 0) missing.push("root privileges");
  for (const [tool, argv, pkg] of [
    ["ip", ["ip", "-V"], "iproute2"],
    ["nft", ["nft", "--version"], "nftables"],
    ["sysctl", ["sysctl", "-n", "kernel.ostype"], "procps"],
  ] as const) {
    try {
      await run(argv);
    } catch {
      missing.push(`the ${tool} command (Debian package ${pkg})`);
    }
  }
  if (missing.length > 0) {
    throw new DataplaneUnavailableError(`--dataplane netns needs ${missing.join(" and ")}; not starting`);
  }
}
