/**
 * CPU time of process trees, from /proc: what the bench divides by the requests answered to report CPU per operation.
 * A tree's time is, over every live process in it, its own user+system time plus that of the children it has
 * reaped (cutime+cstime). A child that exits moves its time into its parent's reaped time, so the sum only grows and
 * the difference of two readings is the tree's CPU in between, also for children that started or ended in between
 * (PostgreSQL's postmaster reaps its backends).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcessTimes {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function timesOf(pid: number): ProcessTimes | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): ppid is field 4, utime…cstime fields 14–17.
  const number = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: number(4), ticks: number(14) + number(15) + number(16) + number(17) };
}

function everyProcess(): ProcessTimes[] {
  const out: ProcessTimes[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const times = timesOf(Number(entry));
    if (times) out.push(times);
  }
  return out;
}

/** CPU microseconds used so far by the processes `roots` and all their live descendants (and what they reaped). */
export function treeCpuMicros(roots: readonly number[]): number {
  const all = everyProcess();
  const children = new Map<number, ProcessTimes[]>();
  for (const times of all) children.set(times.ppid, [...(children.get(times.ppid) ?? []), times]);
  const byPid = new Map(all.map((times) => [times.pid, times]));
  let ticks = 0;
  const seen = new Set<number>();
  const queue = roots.map((pid) => byPid.get(pid)).filter((times) => times !== undefined);
  while (queue.length > 0) {
    const times = queue.pop() as ProcessTimes;
    if (seen.has(times.pid)) continue;
    seen.add(times.pid);
    ticks += times.ticks;
    queue.push(...(children.get(times.pid) ?? []));
  }
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** The postmaster of the cluster in `dataDir` (first line of its postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}`);
  return pid;
}

/** Transactions per second and CPU µs per transaction of this process (the client) and of a cluster's processes. */
export type TransactionFigures = { perSecond: number; clientUs: number; serverUs: number };

/** Runs `run` (`transactions` of them) and measures it; `postmaster` undefined: no server side (SQLite in process). */
export async function perTransaction(
  transactions: number,
  postmaster: number | undefined,
  run: () => Promise<unknown> | unknown,
): Promise<TransactionFigures> {
  const client = process.cpuUsage();
  const server = postmaster === undefined ? 0 : treeCpuMicros([postmaster]);
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(client);
  return {
    perSecond: Math.round(transactions / seconds),
    clientUs: Math.round((used.user + used.system) / transactions),
    serverUs: postmaster === undefined ? 0 : Math.round((treeCpuMicros([postmaster]) - server) / transactions),
  };
}
