import { randomBytes, randomUUID } from "node:crypto";
import { SecretBox } from "../auth/secret-box.js";
import { DEFAULT_EIP_POOL } from "../domain/eips/model.js";
import { DEFAULT_QUOTAS, type Quotas } from "../domain/quotas/quotas.js";
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

export interface Limits {
  maxAddressPairs: number;
  maxNicsPerServer: number;
  maxServersPerRequest: number;
  /** Servers a creation writes per transaction; other requests run between two (bounded work per unit). */
  serversPerTransaction: number;
  maxPrivateIpsPerRequest: number;
  /** How long a server stays in BUILD before its creation job completes. */
  serverBuildMs: number;
  quotas: Quotas;
  /** The IPv4 block EIPs are assigned from (CIDR). */
  eipPool: string;
}

export const DEFAULT_LIMITS: Limits = {
  maxAddressPairs: 10,
  maxNicsPerServer: 12,
  maxServersPerRequest: 500,
  serversPerTransaction: 50,
  maxPrivateIpsPerRequest: 20,
  serverBuildMs: 300,
  quotas: DEFAULT_QUOTAS,
  eipPool: DEFAULT_EIP_POOL,
};

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
