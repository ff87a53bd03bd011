import type { ChangeRecorder } from "../change-feed.js";
import type { Dialect } from "./dialect.js";
import type { SqlExecutor } from "./executor.js";
import type { FreeRanges } from "./free-ranges.js";

/** What the repositories of one unit of work share: its connection, its dialect and what it has written so far. */
export interface SqlContext {
  readonly db: SqlExecutor;
  readonly dialect: Dialect;
  /** Ids of ports, servers and subnets this unit of work wrote (also through cascades), for the change feed. */
  readonly changes: ChangeRecorder;
  /**
   * Ids of ports this unit of work locked (PostgreSQL). Those it does not write get a new row version when it commits
   * anything (see `writeChange`), so that a locking read that waited for them reads again (see `PortsSql.select`).
   */
  readonly lockedPorts: Set<string>;
  /** The free-address structure, kept in step with every fixed IP written or deleted here. */
  readonly free: FreeRanges;
}

export type Row = Record<string, unknown>;
