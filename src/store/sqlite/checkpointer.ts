import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the checkpointer copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The worker's whole program (CommonJS, so it runs the same from the sources and from dist): its own connection to
 * the file, a PASSIVE checkpoint every interval (it never waits for the writer and never blocks it), and a clean
 * close when told to stop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = " + workerData.synchronous);
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
}, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the COMMIT that crosses the WAL's
 * size threshold, on the event loop, and that request (and every one queued behind it) waits for it: the long tail
 * of commit latency. The store turns it off on its connection (`wal_autocheckpoint = 0`) and this worker thread,
 * with a connection of its own, checkpoints passively once a second instead. Durability is unchanged: a commit is
 * durable once it is in the WAL (fsynced under synchronous=FULL), and the WAL is replayed after a crash.
 */
export class Checkpointer {
  private constructor(private readonly worker: Worker) {}

  static async start(path: string, synchronous: "FULL" | "NORMAL", intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, synchronous, intervalMs, driver },
      // The worker runs plain CommonJS: none of the parent's loader flags (tsx) apply to it.
      execArgv: [],
    });
    await new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    // A failed checkpoint is retried at the next interval; nothing is lost, so it is only worth a line on stderr.
    worker.on("message", (message: { error?: string }) => {
      if (message.error) process.stderr.write(`ecs-vip: WAL checkpoint failed: ${message.error}\n`);
    });
    worker.unref();
    return new Checkpointer(worker);
  }

  /** Stops checkpointing and closes the worker's connection (before the store closes its own, which checkpoints). */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    // Held while it winds down: an unref'd worker would let the process exit mid-close (a CLI whose last step is
    // closing the store would end before writing its output).
    this.worker.ref();
    this.worker.postMessage("stop");
    await exited;
  }
}
