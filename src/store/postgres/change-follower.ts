import pg from "pg";
import { type Change, type ChangeFeed, ChangeHub, type ChangeListener } from "../change-feed.js";
import { CHANGE_CHANNEL } from "../sql/change-log.js";

/** Backstop for a lost notification or a broken LISTEN connection: the longest a subscriber waits for a change. */
export const CHANGE_POLL_MS = 1000;
const BATCH = 1000;

interface ChangeLogReader {
  since(revision: number, limit: number): Promise<Change[]>;
  current(): Promise<number>;
}

/**
 * The change feed of a PostgreSQL store shared by several processes. Every commit notifies `ecs_vip_changes`; once
 * this process has a subscriber it LISTENs on its own connection and, on each notification (and every
 * CHANGE_POLL_MS in case one was lost), reads the log from the last revision it delivered. Its own writes catch up
 * the same way right after their commit, so subscribers see every revision once, in order, whoever wrote it.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly hub = new ChangeHub();
  private listening?: pg.Client;
  private timer?: NodeJS.Timeout;
  private reconnect?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly log: ChangeLogReader,
  ) {}

  async start(): Promise<void> {
    this.hub.deliveredRevision = await this.log.current();
  }

  currentRevision(): Promise<number> {
    return this.log.current();
  }

  since(revision: number, limit = BATCH): Promise<Change[]> {
    return this.log.since(revision, limit);
  }

  subscribe(listener: ChangeListener): () => void {
    const unsubscribe = this.hub.subscribe(listener);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.pump(), CHANGE_POLL_MS);
      this.timer.unref();
      void this.listen();
    }
    return unsubscribe;
  }

  /** Delivers everything up to `revision` (a commit of this process) before its write is answered. */
  async catchUp(revision: number): Promise<void> {
    if (!this.hub.hasListeners) {
      this.hub.deliveredRevision = Math.max(this.hub.deliveredRevision, revision);
      return;
    }
    if (this.hub.deliveredRevision >= revision) return;
    await this.pump();
  }

  private pump(): Promise<void> {
    return this.hub.serialize(async (deliverNow) => {
      for (;;) {
        const changes = await this.log.since(this.hub.deliveredRevision, BATCH);
        await deliverNow(changes);
        if (changes.length < BATCH) return;
      }
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    const retry = () => {
      if (this.listening === client) this.listening = undefined;
      client.end().catch(() => undefined);
      if (!this.stopped && !this.reconnect) {
        this.reconnect = setTimeout(() => {
          this.reconnect = undefined;
          void this.listen();
        }, CHANGE_POLL_MS);
        this.reconnect.unref();
      }
    };
    client.on("error", retry);
    client.on("notification", () => void this.pump());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      this.listening = client;
      if (this.stopped) await client.end();
      else void this.pump();
    } catch {
      retry();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnect);
    await this.listening?.end().catch(() => undefined);
    await this.hub.serialize(async () => undefined);
  }
}
