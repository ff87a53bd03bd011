import pg from "pg";
import { StoreUnavailableError } from "../errors.js";
import { unavailability } from "./connection-failures.js";
import { describeHosts, type PostgresUrl, parsePostgresUrl } from "./connection-url.js";
import { pgTimeouts } from "./timeouts.js";

/** The host a connection was made to, and the selector's epoch then (a later epoch means: drop it). */
export interface HostChoice {
  index: number;
  epoch: number;
}

/** A pg client that knows its host and never ends the process with an unhandled `error` event. */
export interface HostedClient extends pg.Client {
  readonly target: HostChoice;
}

export class ReadOnlyNodeError extends Error {
  readonly code = "25006";
}

/**
 * Which of the URL's hosts new connections go to. It starts at the first and stays where a connection last worked;
 * when a connection to the current host fails, or finds the node read-only where read-write was asked for, it moves
 * on to the next (wrapping round) and starts a new epoch: connections of older epochs leave the pool at checkout.
 */
class HostSelector {
  private index = 0;
  epoch = 0;

  constructor(readonly count: number) {}

  current(): HostChoice {
    return { index: this.index, epoch: this.epoch };
  }

  failed(choice: HostChoice): void {
    if (choice.index !== this.index || this.count === 1) return;
    this.index = (this.index + 1) % this.count;
    this.epoch++;
  }

  stale(choice: HostChoice): boolean {
    return choice.epoch !== this.epoch && choice.index !== this.index;
  }
}

/**
 * Makes every PostgreSQL connection of a store: the pool's and dedicated ones (the change feed's LISTEN). It walks
 * the URL's hosts as libpq does, checks `target_session_attrs=read-write` on each new connection, and gives every
 * client a permanent `error` listener: pg emits `error` on a client whose connection dies, and an `error` event
 * without a listener ends Node. The failure itself still reaches whoever uses the client (its query fails, the pool
 * drops it).
 */
export class PostgresConnector {
  readonly url: PostgresUrl;
  private readonly selector: HostSelector;
  private readonly clientClass: new (
    config?: pg.ClientConfig,
  ) => HostedClient;

  constructor(
    url: string,
    /** Session options (`-c name=value …`) for every connection. */
    private readonly sessionOptions: string,
    /** Sessions are read-only by choice (`ecs-vip check`): a primary still counts as read-write. */
    private readonly readOnlySessions = false,
  ) {
    this.url = parsePostgresUrl(url);
    this.selector = new HostSelector(this.url.hosts.length);
    const selector = this.selector;
    const hostUrls = this.url.hostUrls;
    this.clientClass = class WalkingClient extends pg.Client implements HostedClient {
      readonly target: HostChoice;

      constructor(config?: pg.ClientConfig) {
        const target = selector.current();
        super({ ...config, connectionString: hostUrls[target.index] });
        this.target = target;
        this.on("error", () => undefined);
      }

      // The pool connects with a callback; the host moves on before anyone hears of the failure and connects again.
      override connect(): Promise<pg.Client>;
      override connect(callback: (error: Error) => void): void;
      override connect(callback?: (error: Error) => void): Promise<pg.Client> | undefined {
        if (callback === undefined) {
          return new Promise((resolve, reject) => this.connect((error) => (error ? reject(error) : resolve(this))));
        }
        super.connect((error: Error) => {
          if (error) selector.failed(this.target);
          callback(error);
        });
        return undefined;
      }
    };
  }

  get hosts(): string {
    return describeHosts(this.url.hosts);
  }

  /** Options for the store's pool: its clients walk the hosts, and each is checked before first use. */
  poolConfig(max: number): pg.PoolConfig {
    return {
      max,
      ...pgTimeouts(this.url.params),
      options: this.sessionOptions,
      keepAlive: true,
      Client: this.clientClass as unknown as pg.PoolConfig["Client"],
      onConnect: (client) => this.checkSession(client as HostedClient),
    };
  }

  /** A client of the pool on an acceptable host, trying each host at most once; unavailable if none will do. */
  async acquire(pool: pg.Pool): Promise<pg.PoolClient & HostedClient> {
    const failures: unknown[] = [];
    // Connections of an old epoch are dropped, not counted: there are at most as many as the pool holds.
    for (let checkouts = 0; failures.length < this.selector.count && checkouts < 1000; checkouts++) {
      let client: pg.PoolClient & HostedClient;
      try {
        client = (await pool.connect()) as pg.PoolClient & HostedClient;
      } catch (error) {
        if (unavailability(error) === undefined && !(error instanceof ReadOnlyNodeError)) throw error;
        failures.push(error);
        continue;
      }
      if (!this.selector.stale(client.target)) return client;
      client.release(true);
    }
    throw this.unavailable(failures);
  }

  /** A connected client of its own (not pooled) on an acceptable host; the caller ends it. */
  async dedicated(): Promise<HostedClient> {
    const failures: unknown[] = [];
    for (let attempt = 0; attempt < this.selector.count; attempt++) {
      const timeouts = pgTimeouts(this.url.params);
      const client = new this.clientClass({
        options: this.sessionOptions,
        keepAlive: true,
        connectionTimeoutMillis: timeouts.connectionTimeoutMillis,
      });
      try {
        await client.connect();
      } catch (error) {
        failures.push(error);
        continue;
      }
      try {
        await this.checkSession(client);
        return client;
      } catch (error) {
        await client.end().catch(() => undefined);
        failures.push(error);
      }
    }
    throw this.unavailable(failures);
  }

  /** The session `client` is on failed in a way that says its node is gone or read-only: try the next host. */
  failed(client: HostedClient): void {
    this.selector.failed(client.target);
  }

  /**
   * Runs on every new connection. With `read-write` asked for, a node that is in recovery or read-only is refused
   * (libpq asks `SHOW transaction_read_only`; a store whose sessions are read-only by choice asks the node itself).
   */
  private async checkSession(client: HostedClient): Promise<void> {
    if (this.url.targetSessionAttrs !== "read-write") return;
    const sql = this.readOnlySessions
      ? "SELECT pg_is_in_recovery()::text AS read_only"
      : "SELECT current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery() AS read_only";
    let readOnly: unknown;
    try {
      readOnly = (await client.query(sql)).rows[0]?.read_only;
    } catch (error) {
      this.selector.failed(client.target);
      throw error;
    }
    if (readOnly === true || readOnly === "true") {
      this.selector.failed(client.target);
      const host = this.url.hosts[client.target.index];
      throw new ReadOnlyNodeError(`${host ? describeHosts([host]) : "?"} is read-only`);
    }
  }

  private unavailable(failures: readonly unknown[]): StoreUnavailableError {
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    const readOnly = failures.length > 0 && failures.every((failure) => failure instanceof ReadOnlyNodeError);
    return new StoreUnavailableError(
      `PostgreSQL unavailable at ${this.hosts}${reasons.length ? `: ${[...new Set(reasons)].join("; ")}` : ""}`,
      readOnly ? "read-only" : "unreachable",
      { cause: failures[failures.length - 1], failures },
    );
  }
}
