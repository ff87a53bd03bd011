import type { SqlExecutor } from "./executor.js";

/**
 * FAULT INJECTION FOR CRASH TESTS ONLY — never set in production.
 *
 * With `ECS_VIP_FAULT_CRASH_AFTER_WRITES=N` the process kills itself with SIGKILL right after executing its Nth
 * data-changing statement (INSERT, UPDATE or DELETE; schema statements and reads do not count), counted from process
 * start across all units of work, i.e. before the unit of work holding that statement can commit. PostgreSQL's batched
 * writes (a WITH … UPDATE/INSERT/DELETE) count as one step each. Crash tests start a
 * server on an already-initialised store with N = 1, 2, … and send one request, to crash at each of its write steps
 * in turn. A write that carries its unit of work's COMMIT in the same round trip (PostgreSQL, see pg-executor.ts) has
 * no point between it and the commit: the crash comes just before it is sent instead, the last point before the
 * commit. Without the variable `withFaultInjection` hands back the executor itself: no wrapper, no cost.
 */
export const FAULT_CRASH_AFTER_WRITES_ENV = "ECS_VIP_FAULT_CRASH_AFTER_WRITES";

function crashLimit(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`${FAULT_CRASH_AFTER_WRITES_ENV} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return limit;
}

const CRASH_AFTER = crashLimit(process.env[FAULT_CRASH_AFTER_WRITES_ENV]);
const DATA_CHANGE = /^\s*(INSERT|UPDATE|DELETE)\b/i;
/** PostgreSQL's batched statements: a WITH whose parts write (a port and its pairs, the change-log entry). */
const DATA_CHANGE_CTE = /^\s*WITH\b[\s\S]*\b(INSERT\s+INTO|UPDATE\s+\w+(\s+\w+)?\s+SET|DELETE\s+FROM)\b/i;
let writes = 0;

function isWrite(sql: string, answersRows: boolean): boolean {
  // A batched write that answers rows (the change-log entry) is still a write step.
  return answersRows ? DATA_CHANGE_CTE.test(sql) : DATA_CHANGE.test(sql) || DATA_CHANGE_CTE.test(sql);
}

function crash(what: string): void {
  // Pipes to a parent are written synchronously on Linux, so the parent sees this line before the exit.
  process.stderr.write(`ecs-vip: fault injection: SIGKILL ${what}\n`);
  process.kill(process.pid, "SIGKILL");
}

/** Before a write is sent: the crash point of a write that also commits comes now. */
function beforeWrite(executor: SqlExecutor, sql: string, answersRows: boolean): void {
  if (CRASH_AFTER === undefined || !isWrite(sql, answersRows) || !executor.carriesCommit?.()) return;
  if (writes + 1 >= CRASH_AFTER) crash(`before write ${writes + 1}, which carries its COMMIT`);
}

function countWrite(sql: string, answersRows: boolean): void {
  if (CRASH_AFTER === undefined || !isWrite(sql, answersRows)) return;
  writes += 1;
  if (writes >= CRASH_AFTER) crash(`after write ${writes}`);
}

/** The executor unchanged, or (fault injection on) one that crashes the process after the configured write. */
export function withFaultInjection(executor: SqlExecutor): SqlExecutor {
  if (CRASH_AFTER === undefined) return executor;
  return {
    dialect: executor.dialect,
    carriesCommit: executor.carriesCommit?.bind(executor),
    all: async <R>(sql: string, params?: readonly unknown[]) => {
      beforeWrite(executor, sql, true);
      const rows = await executor.all<R>(sql, params);
      countWrite(sql, true);
      return rows;
    },
    run: async (sql: string, params?: readonly unknown[]) => {
      beforeWrite(executor, sql, false);
      const changes = await executor.run(sql, params);
      countWrite(sql, false);
      return changes;
    },
  };
}
