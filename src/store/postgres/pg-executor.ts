import pg from "pg";
import { type SqlExecutor, storeStatements } from "../sql/executor.js";
import { classify } from "./pg-errors.js";

/** Rewrites `?` placeholders to `$1…$n`; the shared SQL never has `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Each distinct statement gets a name, so every pooled connection parses and plans it once and then only binds and
 * executes it. Id lists are one array parameter (see sql/dialect.ts), so a list's length never makes a new statement;
 * optional filters still combine into many shapes, so only the first MAX_NAMED_STATEMENTS distinct texts get a name
 * and any later one runs unnamed (parsed each time). That bounds what each connection holds, whatever callers send.
 */
export const MAX_NAMED_STATEMENTS = 200;
const preparedStatements = new Map<string, { name: string; text: string }>();
/** Schema statements (migrations) run unnamed: a plan must never outlive the schema it was made for. */
const DATA_STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

function prepared(sql: string, values: readonly unknown[]): pg.QueryConfig {
  if (!DATA_STATEMENT.test(sql)) return { text: numberPlaceholders(sql), values: values as unknown[] };
  let statement = preparedStatements.get(sql);
  if (!statement) {
    if (preparedStatements.size >= MAX_NAMED_STATEMENTS)
      return { text: numberPlaceholders(sql), values: values as unknown[] };
    statement = { name: `ecs_vip_${preparedStatements.size}`, text: numberPlaceholders(sql) };
    preparedStatements.set(sql, statement);
  }
  return { ...statement, values: values as unknown[] };
}

/** What pg knows of a connection and does not declare: the statements it has parsed there, by name. */
interface PgConnectionState {
  connection?: { parsedStatements?: Record<string, string> };
}

/** pg's conversion of a parameter to its text form, the very one it binds with (null for NULL). */
const prepareValue = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils.prepareValue;

/**
 * `EXECUTE name('…', …)` for a statement already prepared on this connection, its values as literals, to travel in
 * a simple query with BEGIN or COMMIT: the server parses only the EXECUTE and runs the cached plan, the literals
 * taking the parameters' types as bound values would. Undefined where that cannot be (not prepared here yet, or a
 * binary value).
 */
function executeText(client: pg.PoolClient, statement: pg.QueryConfig): string | undefined {
  const name = statement.name;
  if (
    name === undefined ||
    (client as unknown as PgConnectionState).connection?.parsedStatements?.[name] !== statement.text
  ) {
    return undefined;
  }
  const literals: string[] = [];
  for (const value of statement.values ?? []) {
    const text = prepareValue(value);
    if (text === null || text === undefined) literals.push("NULL");
    else if (typeof text === "string") literals.push(client.escapeLiteral(text));
    else return undefined;
  }
  return literals.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${literals.join(", ")})`;
}

/**
 * Runs a unit of work's statements on one pooled connection, saving the round trips of BEGIN and COMMIT where it
 * can: pg waits for each answer before sending the next query, but one simple query may hold several statements. So
 * the transaction's BEGIN goes out with its first statement (`BEGIN; EXECUTE …`) and its COMMIT with its last
 * (`EXECUTE …; COMMIT`), each one round trip; a unit of work that sends no statement sends no BEGIN either. A
 * statement not yet prepared on the connection goes out as before, BEGIN or COMMIT on their own.
 */
export class PgExecutor implements SqlExecutor {
  readonly dialect = "postgres" as const;
  /** The BEGIN not sent yet: it leads the first statement. */
  private pendingBegin: string | undefined;
  private commitNext = false;
  /** Whether BEGIN has been sent: the transaction then ends with COMMIT or ROLLBACK. */
  began = false;
  /** Whether COMMIT has been sent: from then on the outcome is the server's, and no statement may follow. */
  commitSent = false;

  constructor(
    private readonly client: pg.PoolClient,
    /** The statement that starts the transaction; none: the caller has begun it, or runs outside one. */
    begin?: string,
  ) {
    this.pendingBegin = begin;
  }

  /** The unit of work has done its work: the next statement (its change record) carries COMMIT. */
  commitWithNext(): void {
    this.commitNext = true;
  }

  carriesCommit(): boolean {
    return this.commitNext;
  }

  /** Commits, on its own, what no statement has committed yet (nothing when nothing was begun). */
  async commit(): Promise<void> {
    this.commitNext = false;
    if (!this.began || this.commitSent) return;
    this.commitSent = true;
    storeStatements.count++;
    try {
      await this.client.query("COMMIT");
    } catch (error) {
      throw classify(error);
    }
  }

  async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.send(sql, params)).rows as R[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.send(sql, params)).rowCount ?? 0;
  }

  private async send(sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
    if (this.commitSent) throw new Error("a statement after its unit of work's COMMIT");
    const statement = prepared(sql, params);
    const begin = this.pendingBegin;
    const commit = this.commitNext;
    this.pendingBegin = undefined;
    this.commitNext = false;
    try {
      const inline = begin !== undefined || commit ? executeText(this.client, statement) : undefined;
      if (inline === undefined) {
        if (begin !== undefined) {
          storeStatements.count++;
          this.began = true;
          await this.client.query(begin);
        }
        storeStatements.count++;
        const result = await this.client.query(statement);
        if (commit) await this.commit();
        return result;
      }
      storeStatements.count++;
      if (begin !== undefined) this.began = true;
      if (commit) this.commitSent = this.began;
      const text = [begin, inline, commit && this.began ? "COMMIT" : undefined].filter((part) => part !== undefined);
      const results = (await this.client.query(text.join("; "))) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(results) ? (results[begin === undefined ? 0 : 1] as pg.QueryResult) : results;
    } catch (error) {
      throw classify(error);
    }
  }
}
