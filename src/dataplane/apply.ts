import { run } from "./command.js";
import { CHANGE_RULES, type WireOp } from "./diff.js";
import { type NftSession, SESSION_MAX_SCRIPT } from "./nft-session.js";

/** Kills whatever still runs in a namespace (a deleted server's keepalived, say), then removes the namespace. */
export async function removeNamespace(namespace: string): Promise<void> {
  const pids = (await run(["ip", "netns", "pids", namespace]).catch(() => ""))
    .split(/\s+/)
    .filter((pid) => /^\d+$/.test(pid));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already gone
    }
  }
  await run(["ip", "netns", "del", namespace]);
}

/**
 * Runs the steps in order and stops at the first failure (the next reconciliation starts from what is there). An
 * incremental rules change goes through the data plane's running `nft -i` when there is one.
 */
export async function applyOps(ops: readonly WireOp[], session?: NftSession): Promise<void> {
  for (const op of ops) {
    if ("removeNamespace" in op) await removeNamespace(op.removeNamespace);
    else if (
      session &&
      !session.closed &&
      op.what === CHANGE_RULES &&
      op.input &&
      op.input.length <= SESSION_MAX_SCRIPT
    ) {
      await session.apply(op.input);
    } else await run(op.argv, op.input);
  }
}
