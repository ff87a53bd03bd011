import type { ChangeFeed } from "./change-feed.js";
import type { AdminRepository } from "./repositories/admin.js";
import type { AuditRepository } from "./repositories/audit.js";
import type { ComputeRepository } from "./repositories/compute.js";
import type { EipRepository } from "./repositories/eips.js";
import type { IamRepository } from "./repositories/iam.js";
import type { NetworkRepository } from "./repositories/networks.js";
import type { PortRepository } from "./repositories/ports.js";
import type { RouterRepository } from "./repositories/routers.js";
import type { SecurityGroupRepository } from "./repositories/security-groups.js";

export type {
  EipFilter,
  NetworkFilter,
  NetworkState,
  Page,
  PortFilter,
  ReadOptions,
  SecurityGroupFilter,
  SecurityGroupRuleFilter,
  SubnetFilter,
} from "./types.js";

/**
 * One unit of work: the repositories of every area, each running inside the transaction that `Store.write` or
 * `Store.read` opened.
 */
export interface Tx {
  readonly ports: PortRepository;
  readonly networks: NetworkRepository;
  readonly routers: RouterRepository;
  readonly compute: ComputeRepository;
  readonly iam: IamRepository;
  readonly securityGroups: SecurityGroupRepository;
  readonly eips: EipRepository;
  readonly audit: AuditRepository;
  readonly admin: AdminRepository;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Which ports, servers and subnets each committed write touched, with its revision (see change-feed.ts). */
  readonly changes: ChangeFeed;
  /** Runs `work` in one read-write transaction: it commits completely or not at all, retried on conflicts. */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one read-only transaction with a consistent snapshot. With `single`, the work runs exactly one
   * statement, which is its own snapshot: PostgreSQL then sends it alone, without BEGIN and COMMIT (one round trip
   * instead of three); a second statement fails.
   */
  read<T>(work: (tx: Tx) => Promise<T>, options?: { single?: boolean }): Promise<T>;
  /**
   * Where the store can tell it without a statement (SQLite): a number that stays the same as long as the identity
   * revision (`tx.iam.identityRevision()`) cannot have changed, in this process or any other. A revision read after
   * taking a stamp holds for as long as the stamp stays the same. Undefined: read the revision.
   */
  identityStamp?(): number | undefined;
  /** Latest schema version this build knows, and the version the database is at. */
  schemaVersion(): Promise<{ current: number; latest: number }>;
  close(): Promise<void>;
}
