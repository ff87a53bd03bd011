/**
 * libpq's connection URLs, multi-host form included, which `pg` (node-postgres) does not parse:
 *
 *   postgres://user:password@h1:5432,h2:5433,[::1]/db?target_session_attrs=read-write&connect_timeout=5
 *
 * Hosts are tried in the order written; `target_session_attrs=read-write` skips a node that only reads (a standby,
 * or a server set read-only), `any` (the default) takes the first that answers. The hosts may also come as
 * `?host=h1,h2&port=p1,p2`, as libpq allows. Everything else in the URL is passed on unchanged, once per host, to pg.
 */
export type TargetSessionAttrs = "any" | "read-write";

export interface PostgresHost {
  /** A name, an address, or (starting with `/`) the directory of a Unix socket; "" for pg's default. */
  host: string;
  port: number;
}

export interface PostgresUrl {
  hosts: PostgresHost[];
  targetSessionAttrs: TargetSessionAttrs;
  /** The query parameters, without `host`, `port` and `target_session_attrs`. */
  params: URLSearchParams;
  /** A single-host URL pg understands, for each host in order. */
  hostUrls: string[];
}

export class PostgresUrlError extends Error {}

const DEFAULT_PORT = 5432;
const SUPPORTED_ATTRS: readonly string[] = ["any", "read-write"];

function portOf(text: string, url: string): number {
  if (text === "") return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new PostgresUrlError(`bad port ${text} in ${url}`);
  return port;
}

/** `h1:5432`, `[::1]:5433`, `h2`, or "" (pg's default host). */
function hostOf(part: string, url: string): PostgresHost {
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(part);
  if (bracketed) return { host: bracketed[1] ?? "", port: portOf(bracketed[2] ?? "", url) };
  const colon = part.lastIndexOf(":");
  if (colon < 0) return { host: decodeURIComponent(part), port: DEFAULT_PORT };
  return { host: decodeURIComponent(part.slice(0, colon)), port: portOf(part.slice(colon + 1), url) };
}

function hostsFromParams(hosts: string, ports: string | null, url: string): PostgresHost[] {
  const names = hosts.split(",");
  const portList = (ports ?? "").split(",");
  if (portList.length !== 1 && portList.length !== names.length) {
    throw new PostgresUrlError(`${names.length} hosts but ${portList.length} ports in ${url}`);
  }
  return names.map((host, index) => ({
    host,
    port: portOf(portList.length === 1 ? (portList[0] ?? "") : (portList[index] ?? ""), url),
  }));
}

function singleHostUrl(scheme: string, userInfo: string, host: PostgresHost, path: string, params: URLSearchParams) {
  const query = new URLSearchParams(params);
  let authority = "";
  if (host.host.startsWith("/")) {
    // A socket directory goes in the query, where pg looks for it.
    query.set("host", host.host);
    query.set("port", String(host.port));
  } else if (host.host !== "") {
    authority = `${host.host.includes(":") ? `[${host.host}]` : encodeURIComponent(host.host)}:${host.port}`;
  }
  const search = query.toString();
  return `${scheme}://${userInfo}${authority}${path}${search ? `?${search}` : ""}`;
}

export function parsePostgresUrl(url: string): PostgresUrl {
  const match = /^(postgres(?:ql)?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(url);
  if (!match) throw new PostgresUrlError("not a postgres:// URL");
  const [, scheme = "postgres", authority = "", path = "", query = ""] = match;
  const at = authority.lastIndexOf("@");
  const userInfo = at >= 0 ? authority.slice(0, at + 1) : "";
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  const params = new URLSearchParams(query);

  const attrs = params.get("target_session_attrs") ?? "any";
  if (!SUPPORTED_ATTRS.includes(attrs)) {
    throw new PostgresUrlError(`target_session_attrs=${attrs} is not supported (use read-write or any)`);
  }
  const queryHosts = params.get("host");
  const hosts =
    queryHosts !== null && queryHosts !== ""
      ? hostsFromParams(queryHosts, params.get("port"), url)
      : hostList.split(",").map((part) => hostOf(part, url));
  if (hosts.length > 1 && hosts.some((host) => host.host === "")) throw new PostgresUrlError("an empty host in a list");
  params.delete("host");
  params.delete("port");
  params.delete("target_session_attrs");
  return {
    hosts,
    targetSessionAttrs: attrs as TargetSessionAttrs,
    params,
    hostUrls: hosts.map((host) => singleHostUrl(scheme, userInfo, host, path, params)),
  };
}

/** `h1:5432,h2:5433` for messages (never the password). */
export function describeHosts(hosts: readonly PostgresHost[]): string {
  return hosts.map((host) => (host.host === "" ? "(default)" : `${host.host}:${host.port}`)).join(",");
}
