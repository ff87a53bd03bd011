import { randomBytes, randomUUID } from "node:crypto";
import { SecretBox } from "../auth/secret-box.js";
import type { Store } from "../store/store.js";

/** Who is calling: resolved by authentication before any use case runs. */
export interface Caller {
  userId: string;
  accountId: string;
  projectId: string;
}

export interface Limits {
  maxAddressPairs: number;
  maxNicsPerServer: number;
  maxServersPerRequest: number;
  maxPrivateIpsPerRequest: number;
  /** How long a server stays in BUILD before its creation job completes. */
  serverBuildMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxAddressPairs: 10,
  maxNicsPerServer: 12,
  maxServersPerRequest: 500,
  maxPrivateIpsPerRequest: 20,
  serverBuildMs: 300,
};

export interface UseCaseContext {
  store: Store;
  limits: Limits;
  now: () => Date;
  newId: () => string;
  randomByte: () => number;
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
