import { randomBytes, randomUUID } from "node:crypto";
import { SecretBox } from "../auth/secret-box.js";
import { DEFAULT_LIMITS, type Limits } from "../domain/limits.js";
import type { Store } from "../store/store.js";

/** Who is calling: resolved by authentication before any use case runs. */
export interface Caller {
  userId: string;
  accountId: string;
  projectId: string;
  /** A member of the account's admin group: every action on every project of the account. */
  admin?: boolean;
  /** Ids of the roles the caller holds on `projectId` through its groups. */
  roles?: readonly string[];
}

/** Told of outcomes worth counting (metrics), after their transaction committed. */
export interface UseCaseObserver {
  vipBound(): void;
  vipUnbound(): void;
}

export interface UseCaseContext {
  store: Store;
  limits: Limits;
  now: () => Date;
  newId: () => string;
  randomByte: () => number;
  observer?: UseCaseObserver;
  /** Seals secrets written to the store and opens them when read (the master key). */
  secrets: SecretBox;
}

export function defaultContext(store: Store, limits: Partial<Limits> = {}): UseCaseContext {
  return {
    store,
    limits: { ...DEFAULT_LIMITS, ...limits },
    now: () => new Date(),
    newId: () => randomUUID(),
    randomByte: () => randomBytes(1)[0] ?? 0,
    secrets: SecretBox.clear(),
  };
}

export function isoNow(context: UseCaseContext): string {
  return context.now().toISOString();
}
