import type { SqlExecutor } from "./executor.js";

/**
 * FAULT INJECTION FOR CRASH TESTS ONLY — never set in production.
 *
 * With `ECS_VIP_FAULT_CRASH_AFTER_WRITES=N` the process kills itself with SIGKILL right after executing its Nth
 * data-changing statement (INSERT, UPDATE or DELETE; schema statements and reads do not count), counted from process
 * start across all units of work, i.e. before the unit of work holding that statement can commit. PostgreSQL's batched
 * writes (a WITH … UPDATE/INSERT/DELETE) count as one step each. Crash tests start a
 * server on an already-initialised store with N = 1, 2, … and send one request, to crash at each of its write steps
 * in turn. Without the variable `withFaultInjection` hands back the executor itself: no wrapper, no cost.
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

function countWrite(sql: string): void {
  if (CRASH_AFTER === undefined || !(DATA_CHANGE.test(sql) || DATA_CHANGE_CTE.test(sql))) return;
  writes += 1;
  if (writes < CRASH_AFTER) return;
  // Pipes to a parent are written synchronously on Linux, so the parent sees this line before the exit.
  process.stderr.write(`ecs-vip: fault injection: SIGKILL after write ${writes}\n`);
  process.kill(process.pid, "SIGKILL");
}

/** The executor unchanged, or (fault injection on) one that crashes the process after the configured write. */
export function withFaultInjection(executor: SqlExecutor): SqlExecutor {
  if (CRASH_AFTER === undefined) return executor;
  return {
    dialect: executor.dialect,
    all: async <R>(sql: string, params?: readonly unknown[]) => {
      const rows = await executor.all<R>(sql, params);
      // A batched write that answers rows (the change-log entry) is still a write step.
      if (DATA_CHANGE_CTE.test(sql)) countWrite(sql);
      return rows;
    },
    run: async (sql: string, params?: readonly unknown[]) => {
      const changes = await executor.run(sql, params);
      countWrite(sql);
      return changes;
    },
  };
}
