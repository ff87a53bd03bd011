import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";

const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (never on the event loop), at most one per two cores at once, so a login flood
 * keeps at least one core for the event loop and never takes every pool thread (file and DNS work share them); the
 * rest wait their turn in a bounded queue.
 */
export const MAX_CONCURRENT_HASHES = Math.max(1, Math.floor(availableParallelism() / 2));
/** Logins waiting beyond this are refused at once (throttled) instead of queueing without end. */
export const MAX_WAITING_HASHES = 256;

export class HashingBusyError extends Error {
  constructor() {
    super("too many password checks waiting");
  }
}

let running = 0;
const waiting: (() => void)[] = [];
/** How many scrypt computations ran: lets tests see that an unknown user costs the same work as a known one. */
export const hashingStats = { computed: 0 };

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_WAITING_HASHES) throw new HashingBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `running` only drops when nobody waits.
    if (next) next();
    else running--;
  }
}

function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        hashingStats.computed++;
        scrypt(password, salt, length, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("hex")}$${(await scryptAsync(password, salt, KEY_LENGTH)).toString("hex")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split("$");
  if (scheme !== "scrypt" || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, "hex");
  const actual = await scryptAsync(password, Buffer.from(saltHex, "hex"), expected.length);
  return timingSafeEqual(expected, actual);
}

/**
 * A stored-hash stand-in for users that do not exist: checking a password against it costs exactly what checking a
 * real user's costs, so the answer's timing does not tell which user names exist. It never matches (random salt,
 * all-zero hash that scrypt does not produce in practice), and the caller refuses unknown users regardless.
 */
export const UNKNOWN_USER_HASH = `scrypt$${randomBytes(16).toString("hex")}$${"00".repeat(KEY_LENGTH)}`;
