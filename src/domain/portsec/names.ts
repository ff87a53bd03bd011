/**
 * Kernel names of the data plane, derived from ids. Namespaces carry the prefix, so they never collide with anything
 * else on the machine; bridges and links live inside those namespaces, where a short id-derived name (at most 15
 * characters, the kernel's limit) is enough.
 */
export const DEFAULT_PREFIX = "ecsvip";
/** nftables table (bridge family) holding port security inside the data plane's namespace. */
export const PORTSEC_TABLE = "ecs_vip_portsec";

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,11}$/;

export function isValidPrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

/** 12 hex characters naming an id: the first 12 of a UUID (so a user can tell which port it is), else a hash. */
export function shortId(id: string): string {
  const lower = id.toLowerCase();
  if (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(lower)) {
    return lower.replace(/-/g, "").slice(0, 12);
  }
  return fnv48(id);
}

/** An id usable inside a namespace name as it is, or its hash when it holds anything unusual. */
function safeId(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(id) ? id : fnv48(id);
}

function fnv48(text: string): string {
  // FNV-1a, 64-bit arithmetic in BigInt, cut to 48 bits: stable and pure.
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (hash & 0xffffffffffffn).toString(16).padStart(12, "0");
}

export interface DataplaneNames {
  prefix: string;
  /** The data plane's own namespace: every subnet's bridge and the port-security table live there. */
  dataplaneNamespace: string;
  serverNamespace(serverId: string): string;
  gatewayNamespace(subnetId: string): string;
  /** In the data plane's namespace. */
  bridge(subnetId: string): string;
  /** The bridge-side end of a NIC's veth pair, in the data plane's namespace. */
  nicLink(portId: string): string;
  /** The bridge-side end of a subnet gateway's veth pair. */
  gatewayLink(subnetId: string): string;
  /** True for a namespace name this prefix owns. */
  owns(namespace: string): boolean;
}

/** Every bridge-side NIC link starts with this, so one rule can drop traffic of a NIC whose chain is missing. */
export const NIC_LINK_LETTER = "p";
export const GATEWAY_IFNAME = "gw0";

export function dataplaneNames(prefix: string): DataplaneNames {
  if (!isValidPrefix(prefix)) throw new Error(`invalid data plane prefix ${JSON.stringify(prefix)}`);
  return {
    prefix,
    dataplaneNamespace: `${prefix}-dp`,
    serverNamespace: (serverId) => `${prefix}-srv-${safeId(serverId)}`,
    gatewayNamespace: (subnetId) => `${prefix}-gw-${safeId(subnetId)}`,
    bridge: (subnetId) => `b${shortId(subnetId)}`,
    nicLink: (portId) => `${NIC_LINK_LETTER}${shortId(portId)}`,
    gatewayLink: (subnetId) => `g${shortId(subnetId)}`,
    owns: (namespace) => namespace.startsWith(`${prefix}-`),
  };
}

/** Name of a server's n-th NIC inside its namespace. */
export function nicIfname(position: number): string {
  return `eth${position}`;
}
