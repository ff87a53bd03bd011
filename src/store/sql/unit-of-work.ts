import { ChangeRecorder } from "../change-feed.js";
import type { Tx } from "../store.js";
import { AdminSql } from "./admin-sql.js";
import { AuditSql } from "./audit-sql.js";
import { writeChange } from "./change-log.js";
import { ComputeSql } from "./compute-sql.js";
import type { SqlContext } from "./context.js";
import { dialectOf } from "./dialect.js";
import { EipsSql } from "./eips-sql.js";
import type { SqlExecutor } from "./executor.js";
import { FreeRanges } from "./free-ranges.js";
import { IamSql } from "./iam-sql.js";
import { NetworksSql } from "./networks-sql.js";
import { PortsSql } from "./ports-sql.js";
import { RoutersSql } from "./routers-sql.js";
import { SecurityGroupsSql } from "./security-groups-sql.js";

/** The repositories of one unit of work on one connection, in portable SQL; the dialects differ in `Dialect`. */
export class SqlUnitOfWork implements Tx {
  private readonly context: SqlContext;
  readonly ports: PortsSql;
  readonly networks: NetworksSql;
  readonly routers: RoutersSql;
  readonly compute: ComputeSql;
  readonly iam: IamSql;
  readonly securityGroups: SecurityGroupsSql;
  readonly eips: EipsSql;
  readonly audit: AuditSql;
  readonly admin: AdminSql;

  constructor(readonly db: SqlExecutor) {
    const dialect = dialectOf(db.dialect);
    this.context = {
      db,
      dialect,
      changes: new ChangeRecorder(),
      lockedPorts: new Set(),
      free: new FreeRanges(db, dialect),
    };
    this.networks = new NetworksSql(this.context);
    this.routers = new RoutersSql(this.context);
    this.compute = new ComputeSql(this.context);
    this.ports = new PortsSql(this.context);
    this.iam = new IamSql(this.context);
    this.securityGroups = new SecurityGroupsSql(this.context);
    this.eips = new EipsSql(this.context);
    this.audit = new AuditSql(this.context);
    this.admin = new AdminSql(this.context);
  }

  /** Starts a new unit of work on this object (SQLite reuses one): forgets what the previous one recorded and locked. */
  beginUnitOfWork(): void {
    this.context.changes.clear();
    this.context.lockedPorts.clear();
    this.context.free.reset();
  }

  /** Whether this unit of work raised the identity revision. */
  get identityChanged(): boolean {
    return this.context.changes.identity;
  }

  /** Writes what this unit of work touched as the next change; the store calls it last, just before COMMIT. */
  flushChanges(at: string) {
    const { changes, lockedPorts } = this.context;
    const lockedOnly = [...lockedPorts].filter((id) => !changes.ports.has(id));
    lockedPorts.clear();
    return writeChange(this.db, changes, at, lockedOnly);
  }
}
