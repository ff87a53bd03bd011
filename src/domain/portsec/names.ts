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
  /** A VPC's router: every subnet's gateway interface, the uplink to the internet, the EIPs' NAT. */
  routerNamespace(vpcId: string): string;
  /** The namespace that stands for the internet (`dataplane exec --internet`). */
  internetNamespace: string;
  /** In the data plane's namespace. */
  bridge(subnetId: string): string;
  /** The bridge-side end of a NIC's veth pair, in the data plane's namespace. */
  nicLink(portId: string): string;
  /** The bridge-side end of a subnet gateway's veth pair; its router-side end has the same name, in the router. */
  gatewayLink(subnetId: string): string;
  /** The external bridge's end of a VPC router's uplink. */
  uplinkLink(vpcId: string): string;
  /** True for a server's namespace name of this prefix. */
  isServer(namespace: string): boolean;
  /** True for a router's namespace name of this prefix. */
  isRouter(namespace: string): boolean;
  /** True for a namespace name this prefix owns. */
  owns(namespace: string): boolean;
}

/** Every bridge-side NIC link starts with this, so one rule can drop traffic of a NIC whose chain is missing. */
export const NIC_LINK_LETTER = "p";
/** In the data plane's namespace: the bridge joining VPC routers' uplinks and the internet namespace. */
export const EXTERNAL_BRIDGE = "bext";
/** The external bridge's end of the internet namespace's link. */
export const INTERNET_LINK = "xinet";
/** Inside a router: its link to the external bridge, holding the EIPs it translates. */
export const UPLINK_IFNAME = "up0";
/**
 * An address every router's uplink keeps, so it is never without one: removing a link's last IPv4 address flushes
 * the routes through it (the router's default route with it) when the last EIP is released.
 */
export const UPLINK_ANCHOR = "169.254.0.1/32";
/** The internet namespace's own address (a documentation range, never routed off the machine). */
export const INTERNET_ADDRESS = "203.0.113.10";
export const INTERNET_PREFIX_LENGTH = 24;

export function dataplaneNames(prefix: string): DataplaneNames {
  if (!isValidPrefix(prefix)) throw new Error(`invalid data plane prefix ${JSON.stringify(prefix)}`);
  return {
    prefix,
    dataplaneNamespace: `${prefix}-dp`,
    serverNamespace: (serverId) => `${prefix}-srv-${safeId(serverId)}`,
    routerNamespace: (vpcId) => `${prefix}-rt-${safeId(vpcId)}`,
    internetNamespace: `${prefix}-inet`,
    bridge: (subnetId) => `b${shortId(subnetId)}`,
    nicLink: (portId) => `${NIC_LINK_LETTER}${shortId(portId)}`,
    gatewayLink: (subnetId) => `g${shortId(subnetId)}`,
    uplinkLink: (vpcId) => `u${shortId(vpcId)}`,
    isServer: (namespace) => namespace.startsWith(`${prefix}-srv-`),
    isRouter: (namespace) => namespace.startsWith(`${prefix}-rt-`),
    owns: (namespace) => namespace.startsWith(`${prefix}-`),
  };
}

/** Name of a server's n-th NIC inside its namespace. */
export function nicIfname(position: number): string {
  return `eth${position}`;
}
