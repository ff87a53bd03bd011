import type { DeferredWrites, SqlExecutor } from "./executor.js";

/** Writes one statement may carry: bounds the statement shapes (each a named prepared statement) a process makes. */
const MAX_DEFERRED = 8;

/**
 * An executor that holds back deferred writes (PostgreSQL's data-modifying CTEs) and sends them in one statement:
 * with the change-log entry (`take`), or on their own before any other statement, so that every statement still
 * sees every earlier write of its unit of work. A bind's two port updates and its change record are one round trip.
 */
export function withDeferredWrites(executor: SqlExecutor): SqlExecutor {
  let ctes: string[] = [];
  let params: unknown[] = [];
  let keys = new Set<string>();
  const take = () => {
    const held = { ctes, params };
    ctes = [];
    params = [];
    keys = new Set();
    return held;
  };
  const flush = async () => {
    if (ctes.length === 0) return;
    const held = take();
    await executor.run(`WITH ${held.ctes.join(",\n")} SELECT 1`, held.params);
  };
  const deferred: DeferredWrites = {
    async add(key, build, more) {
      if (keys.has(key) || keys.size >= MAX_DEFERRED) await flush();
      keys.add(key);
      ctes.push(...build(keys.size));
      params.push(...more);
    },
    take,
    flush,
  };
  return {
    dialect: executor.dialect,
    deferred,
    all: async (sql, more) => {
      await flush();
      return executor.all(sql, more);
    },
    run: async (sql, more) => {
      await flush();
      return executor.run(sql, more);
    },
  };
}
