import { DEFAULT_EIP_POOL } from "./eips/model.js";
import { DEFAULT_QUOTAS, type Quotas } from "./quotas/quotas.js";

/** The bounds every operation works within: sizes of one request, quotas, the EIP pool, how long a build takes. */
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
