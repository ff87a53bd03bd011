import { close, fsync, openSync } from "node:fs";

/** Flushes a file descriptor to stable storage; `fs.fsync` on libuv's thread pool unless a test injects another. */
export type FsyncFn = (fd: number) => Promise<void>;

export const threadPoolFsync: FsyncFn = (fd) =>
  new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

interface Waiter {
  commit: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Makes the WAL durable off the event loop. The store's connection commits under synchronous=NORMAL (COMMIT writes
 * its frames to the WAL file but does not fsync it), numbers each commit, and asks `whenDurable(n)` before it
 * answers anything that commit wrote. One fsync of the WAL file, started after commit n's frames were written,
 * makes commits 1..n durable: fsyncs run one at a time on the thread pool, each covering every commit made before it
 * started, so commits that pile up while one runs share the next. The WAL file keeps its inode while the store is
 * open (it is only deleted when the last connection closes, and a passive checkpoint never truncates it), so one
 * descriptor covers restarts of the log at frame 0 too.
 */
export class WalSync {
  private committed = 0;
  private durable = 0;
  private running = false;
  /** The last commit the fsync under way covers. */
  private flushing = 0;
  /** Called whenever an fsync starts (or fails): a commit that was waiting for one is now covered by it. */
  onFsyncStarted: () => void = () => undefined;
  private failure: unknown;
  private readonly waiters: Waiter[] = [];
  private fd: number | undefined;

  constructor(
    private readonly walPath: string,
    private readonly flush: FsyncFn = threadPoolFsync,
  ) {}

  /** Called right after a COMMIT returned: its frames are in the WAL file (in the OS page cache). */
  committedOne(): number {
    this.committed += 1;
    return this.committed;
  }

  /**
   * Whether a commit already waits for the next fsync: another commit now would share that fsync, so it may as well
   * wait and take more writes with it (fewer, larger commits).
   */
  get commitAwaitsFsync(): boolean {
    return this.running && this.committed > this.flushing;
  }

  /** The number of the last commit so far: whatever a read returns now was written by it or an earlier one. */
  get lastCommit(): number {
    return this.committed;
  }

  /** Resolves once commit `commit` is on stable storage; rejects if an fsync failed (nothing is durable after). */
  whenDurable(commit: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (commit <= this.durable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ commit, resolve, reject });
      if (!this.running) this.flushNext();
    });
  }

  private flushNext(): void {
    this.running = true;
    const target = this.committed;
    this.flushing = target;
    let fd: number;
    try {
      fd = this.descriptor();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.flush(fd).then(
      () => {
        this.durable = target;
        let kept = 0;
        for (const waiter of this.waiters) {
          if (waiter.commit <= target) waiter.resolve();
          else this.waiters[kept++] = waiter;
        }
        this.waiters.length = kept;
        this.running = false;
        if (kept > 0) this.flushNext();
      },
      (error: unknown) => this.fail(error),
    );
    this.onFsyncStarted();
  }

  /**
   * After a failed fsync the kernel may have dropped the dirty pages it could not write, so no later fsync proves
   * anything: every waiting and every future write is refused until the store is reopened (and the WAL replayed).
   */
  private fail(error: unknown): void {
    this.failure = error;
    this.running = false;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.onFsyncStarted();
  }

  private descriptor(): number {
    this.fd ??= openSync(this.walPath, "r");
    return this.fd;
  }

  /** Waits for the fsync under way, then closes the descriptor. */
  async close(): Promise<void> {
    await this.whenDurable(this.committed).catch(() => undefined);
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}
