import type pg from "pg";
import { type Change, type ChangeFeed, ChangeHub, type ChangeListener } from "../change-feed.js";
import { CHANGE_CHANNEL, type LoggedChange } from "../sql/change-log.js";

/** Backstop for a lost notification or a broken LISTEN connection: the longest a subscriber waits for a change. */
export const CHANGE_POLL_MS = 1000;
const BATCH = 1000;
/** Commits of this process after which it gives queued changes their revisions even with no one following. */
const SEQUENCE_EVERY = 500;
/** Queue ids of the latest delivered changes the feed remembers, to tell a writer its change was delivered. */
const REMEMBERED_DELIVERIES = 10_000;

interface ChangeLogReader {
  since(revision: number, limit: number): Promise<LoggedChange[]>;
  current(): Promise<number>;
  /** Gives committed queued changes their revisions (change-log.ts `sequenceQueued`), in a transaction of its own. */
  sequence(): Promise<number>;
  revisionOf(queueId: number): Promise<number | undefined>;
  /** Tells every process that follows the feed that there is something new. */
  notify(): Promise<void>;
}

/**
 * Runs a task at most once at a time: asked while it runs, it runs once more afterwards (not once per ask), so a
 * burst of commits costs one or two runs, not one each.
 */
class Coalesced {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<unknown>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.task().catch(() => undefined);
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Resolves once a run in progress (if any) has ended, without asking for another. */
  async settled(): Promise<void> {
    await this.running;
  }
}

/**
 * The change feed of a PostgreSQL store shared by several processes. A commit queues its change (change-log.ts);
 * the process then notifies `ecs_vip_changes`. Once this process has a subscriber it LISTENs on its own connection
 * and, on each notification (and every CHANGE_POLL_MS in case one was lost), gives queued changes their revisions
 * and reads the log from the last revision it delivered. Its own writes are answered once their change has been
 * delivered here, so subscribers see every revision once, in order, whoever wrote it.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly hub = new ChangeHub();
  private listening?: pg.Client;
  private timer?: NodeJS.Timeout;
  private reconnect?: NodeJS.Timeout;
  private stopped = false;
  private commits = 0;
  /** This process's latest commit made while it had no subscribers: already "delivered" to the first one. */
  private lastUnfollowedQueueId = 0;
  private needsBaseline = false;
  private readonly notifier: Coalesced;
  private readonly sequencer: Coalesced;
  /** Queue ids of the changes delivered lately (insertion order: the oldest is dropped first). */
  private readonly deliveredQueueIds = new Set<number>();

  constructor(
    /** A connection of its own for LISTEN, on the host the store's other connections use. */
    private readonly connect: () => Promise<pg.Client>,
    private readonly log: ChangeLogReader,
  ) {
    this.notifier = new Coalesced(() => this.log.notify());
    this.sequencer = new Coalesced(() => this.log.sequence());
  }

  async start(): Promise<void> {
    await this.sequencer.run();
    this.hub.deliveredRevision = await this.log.current();
  }

  async currentRevision(): Promise<number> {
    await this.sequencer.run();
    return this.log.current();
  }

  async since(revision: number, limit = BATCH): Promise<Change[]> {
    await this.sequencer.run();
    return (await this.log.since(revision, limit)).map((logged) => logged.change);
  }

  subscribe(listener: ChangeListener): () => void {
    if (!this.hub.hasListeners) this.needsBaseline = true;
    const unsubscribe = this.hub.subscribe(listener);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.pump(), CHANGE_POLL_MS);
      this.timer.unref();
      void this.listen();
    }
    return unsubscribe;
  }

  /**
   * A unit of work of this process committed the change queued as `queueId`: other processes hear of it, and the
   * queue is kept short even when no one follows; with subscribers here, it resolves once they have had it.
   */
  async committed(queueId: number): Promise<void> {
    if (this.stopped) return;
    void this.notifier.run();
    if (++this.commits % SEQUENCE_EVERY === 0) void this.sequencer.run();
    if (!this.hub.hasListeners) {
      this.lastUnfollowedQueueId = Math.max(this.lastUnfollowedQueueId, queueId);
      return;
    }
    // A pump gives revisions to what was committed before it: this change, unless a longer queue or a failed
    // attempt leaves it for the next one. Past a few attempts the poll delivers it, only later. Whether it was
    // delivered (by this pump or an earlier one) the pumps remember: no read of its revision.
    for (let attempt = 0; attempt < 5 && !this.stopped; attempt++) {
      await this.pump();
      if (this.deliveredQueueIds.has(queueId)) return;
    }
  }

  private remember(delivered: readonly LoggedChange[]): void {
    for (const { queueId } of delivered) {
      if (queueId === null) continue;
      this.deliveredQueueIds.add(queueId);
      if (this.deliveredQueueIds.size > REMEMBERED_DELIVERIES) {
        const oldest = this.deliveredQueueIds.values().next().value;
        if (oldest !== undefined) this.deliveredQueueIds.delete(oldest);
      }
    }
  }

  private pump(): Promise<void> {
    return this.hub.serialize(async (deliverNow) => {
      await this.sequencer.run();
      if (this.needsBaseline) {
        // A first subscriber gets what follows this process's own earlier writes (as SQLite's feed does), and
        // other processes' changes since this one started.
        this.needsBaseline = false;
        const own = this.lastUnfollowedQueueId ? await this.log.revisionOf(this.lastUnfollowedQueueId) : undefined;
        this.hub.deliveredRevision = Math.max(this.hub.deliveredRevision, own ?? 0);
      }
      for (;;) {
        const logged = await this.log.since(this.hub.deliveredRevision, BATCH);
        await deliverNow(logged.map((entry) => entry.change));
        this.remember(logged);
        if (logged.length < BATCH) return;
      }
    });
  }

  /**
   * LISTENs on a connection of its own; when that connection fails (the database restarted, a failover), it
   * connects again every CHANGE_POLL_MS until it can, and catches up from the log once it listens again.
   */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    let client: pg.Client | undefined;
    let failed = false;
    const retry = () => {
      // Once per connection: its `error` is followed by its `end`.
      if (failed) return;
      failed = true;
      if (client && this.listening === client) this.listening = undefined;
      client?.end().catch(() => undefined);
      if (!this.stopped && !this.reconnect) {
        this.reconnect = setTimeout(() => {
          this.reconnect = undefined;
          void this.listen();
        }, CHANGE_POLL_MS);
        this.reconnect.unref();
      }
    };
    try {
      client = await this.connect();
      client.on("error", retry);
      client.on("end", retry);
      client.on("notification", () => void this.pump());
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
    await Promise.all([this.notifier.settled(), this.sequencer.settled()]);
  }
}
