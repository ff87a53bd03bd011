import { createHash } from "node:crypto";

/** Percent-encodes everything but the unreserved characters A-Z a-z 0-9 - _ . ~, as the SDK signer does. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/**
 * Each raw path segment percent-encoded as received (the SDK encodes the segments it already escaped once more),
 * with a trailing slash added when the path has none.
 */
export function canonicalUri(path: string): string {
  const encoded = path.split("/").map(encodeRfc3986).join("/");
  return encoded.endsWith("/") ? encoded : `${encoded}/`;
}

/**
 * The path with each segment percent-decoded. The SDK signs path values as it was given them but sends them
 * escaped (non-ASCII ids arrive as `%C3%A9`), so a signature over the decoded form is the other one to accept.
 */
export function decodedPath(path: string): string {
  return path
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}

/** Pairs sorted by decoded key, then value; each `enc(key)=enc(value)`, joined by `&`. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs = rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? "" : decodeComponent(part.slice(eq + 1));
      return [key, value] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join("&");
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface SignableRequest {
  method: string;
  /** The path as received, without the query. */
  path: string;
  /** The raw query string as received, without `?`. */
  rawQuery: string;
  /** Header lookup by lower-case name. */
  header: (name: string) => string | undefined;
  body: Buffer;
}

/** Canonical request over method, URI, query, the listed headers (lower-case names, trimmed values) and body hash. */
export function canonicalRequest(request: SignableRequest, signedHeaders: string[]): string {
  const headerLines = signedHeaders.map((name) => `${name}:${(request.header(name) ?? "").trim()}\n`).join("");
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.rawQuery),
    headerLines,
    signedHeaders.join(";"),
    sha256Hex(request.body),
  ].join("\n");
}
