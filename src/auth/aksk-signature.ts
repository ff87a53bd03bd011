import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalRequest, type SignableRequest, sha256Hex } from "./canonical-request.js";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";
/** How far `X-Sdk-Date` may be from the server clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; undefined when it is not that form. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${SIGNING_ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(SIGNING_ALGORITHM.length).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get("Access");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKey || !signedHeaders || !signature) return undefined;
  return { accessKey, signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()), signature };
}

/** `X-Sdk-Date` is `YYYYMMDDTHHMMSSZ` in UTC. */
export function parseSdkDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
  // Date.UTC rolls hour 34 or 31 February over into a valid date; the fields must come back unchanged.
  const same =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() + 1 === mo &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return same ? date : undefined;
}

export function signatureFor(
  request: SignableRequest,
  signedHeaders: string[],
  sdkDate: string,
  secretKey: string,
): string {
  const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest(request, signedHeaders))}`;
  return createHmac("sha256", secretKey).update(stringToSign).digest("hex");
}

export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
