/**
 * Under synchronous=FULL the store fsyncs the WAL on the thread pool instead of inside COMMIT: a write is answered,
 * and a read shows it, only once an fsync of the WAL file that started after its COMMIT has completed. The fsync is
 * injected here, held and released by the test, so "not answered yet" is a fact, not a race.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPOINT_INTERVAL_MS } from "../../../src/store/sqlite/checkpointer.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-vip-wal-fsync-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An fsync the test controls: each call waits until the test settles it (or, once `passThrough`, resolves at once). */
class HeldFsync {
  readonly calls: { fd: number; settle: (error?: Error) => void }[] = [];
  passThrough = false;
  private onCall: (() => void) | undefined;

  readonly fsync = (fd: number): Promise<void> => {
    if (this.passThrough) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.calls.push({ fd, settle: (error) => (error ? reject(error) : resolve()) });
      this.onCall?.();
    });
  };

  /** Resolves once `count` fsyncs have been asked for in all. */
  called(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.calls.length >= count) resolve();
        else this.onCall = check;
      };
      check();
    });
  }
}

/** Lets every queued callback, immediate and pending I/O run a few times over. */
async function settleLoop(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** The WAL header's salts: SQLite changes them each time it restarts the log at frame 0. */
function walSalts(path: string): string {
  const header = Buffer.alloc(32);
  const fd = openSync(`${path}-wal`, "r");
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.subarray(16, 24).toString("hex");
}

function tracked<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

async function openHeld(name: string) {
  const held = new HeldFsync();
  held.passThrough = true;
  const path = join(dir, name);
  const store = await SqliteStore.open({ path, synchronous: "full", fsyncWal: held.fsync });
  held.passThrough = false;
  return { held, path, store };
}

describe("SQLite WAL fsync off the event loop", () => {
  it("answers a write, and shows it to readers, only after an fsync of the WAL that began after its commit", async () => {
    const { held, path, store } = await openHeld("acknowledge.db");
    const write = tracked(store.write((tx) => tx.admin.setMeta("durable", "one")));
    await held.called(1);
    expect(fstatSync(held.calls[0]?.fd as number).ino).toBe(statSync(`${path}-wal`).ino);
    const read = tracked(store.read((tx) => tx.admin.getMeta("durable")));
    await settleLoop();
    expect(write.settled).toBe(false);
    expect(read.settled).toBe(false);

    // A second write commits while the first fsync runs, but that fsync began before its commit: it waits for one
    // more.
    let secondRan = false;
    const second = tracked(
      store.write(async (tx) => {
        secondRan = true;
        await tx.admin.setMeta("durable", "two");
      }),
    );
    await settleLoop();
    expect(secondRan).toBe(true);
    // A read once the second write has committed may show it: it waits for that write's fsync too.
    const laterRead = tracked(store.read((tx) => tx.admin.getMeta("durable")));
    held.calls[0]?.settle();
    await write.promise;
    expect(await read.promise).toBe("one");
    await settleLoop();
    expect(second.settled).toBe(false);
    expect(laterRead.settled).toBe(false);
    await held.called(2);
    held.calls[1]?.settle();
    await second.promise;
    expect(await laterRead.promise).toBe("two");
    held.passThrough = true;
    await store.close();
  });

  it("holds new writes back while a commit already waits for the next fsync, and runs them once it starts", async () => {
    const { held, store } = await openHeld("gate.db");
    const first = tracked(store.write((tx) => tx.admin.setMeta("gate", "first")));
    await held.called(1);
    const second = tracked(store.write((tx) => tx.admin.setMeta("gate", "second")));
    await settleLoop();
    // The second write has committed and waits for fsync 2, which cannot start before fsync 1 ends.
    const ran: string[] = [];
    const later = ["third", "fourth"].map((value) =>
      tracked(
        store.write(async (tx) => {
          ran.push(value);
          await tx.admin.setMeta("gate", value);
        }),
      ),
    );
    await settleLoop();
    expect(ran).toEqual([]);
    held.calls[0]?.settle();
    await first.promise;
    await held.called(2);
    await settleLoop();
    expect(ran).toEqual(["third", "fourth"]);
    expect(second.settled).toBe(false);
    held.calls[1]?.settle();
    await second.promise;
    await held.called(3);
    expect(later.some((write) => write.settled)).toBe(false);
    held.calls[2]?.settle();
    await Promise.all(later.map((write) => write.promise));
    expect(await store.read((tx) => tx.admin.getMeta("gate"))).toBe("fourth");
    held.passThrough = true;
    await store.close();
  });

  it("keeps fsyncing the WAL file itself after the checkpointer let the log restart at frame 0", async () => {
    const synced: number[] = [];
    const path = join(dir, "restart.db");
    const store = await SqliteStore.open({
      path,
      synchronous: "full",
      fsyncWal: async (fd) => {
        synced.push(fstatSync(fd).ino);
      },
    });
    await store.write((tx) => tx.admin.setMeta("generation", "first"));
    const before = walSalts(path);
    // Each write after a complete checkpoint restarts the log; wait until one has.
    const deadline = Date.now() + 20 * CHECKPOINT_INTERVAL_MS;
    let restarted = false;
    for (let n = 0; !restarted && Date.now() < deadline; n++) {
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_INTERVAL_MS / 2));
      await store.write((tx) => tx.admin.setMeta("generation", `next-${n}`));
      restarted = walSalts(path) !== before;
    }
    expect(restarted).toBe(true);
    const written = synced.length;
    await store.write((tx) => tx.admin.setMeta("generation", "after restart"));
    expect(synced.length).toBeGreaterThan(written);
    expect(new Set(synced)).toEqual(new Set([statSync(`${path}-wal`).ino]));
    expect(await store.read((tx) => tx.admin.getMeta("generation"))).toBe("after restart");
    await store.close();
  });

  it("refuses the write, and every later one, when the fsync fails", async () => {
    const { held, store } = await openHeld("failing.db");
    const write = store.write((tx) => tx.admin.setMeta("lost", "yes"));
    await held.called(1);
    held.calls[0]?.settle(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    await expect(write).rejects.toThrow(/EIO/);
    await expect(store.write((tx) => tx.admin.setMeta("later", "yes"))).rejects.toThrow(/EIO/);
    expect(held.calls).toHaveLength(1);
    await store.close();
  });

  it("does not fsync under synchronous=NORMAL", async () => {
    const held = new HeldFsync();
    const store = await SqliteStore.open({ path: join(dir, "normal.db"), synchronous: "normal", fsyncWal: held.fsync });
    await store.write((tx) => tx.admin.setMeta("fast", "yes"));
    expect(await store.read((tx) => tx.admin.getMeta("fast"))).toBe("yes");
    expect(held.calls).toHaveLength(0);
    await store.close();
  });
});
