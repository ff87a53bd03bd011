import { readFileSync } from "node:fs";
import { SIGNING_ALGORITHM, signatureFor } from "../auth/aksk-signature.js";
import { OperationalError } from "./failure.js";

/** Where the API is and whose keys sign the requests. */
export interface ApiTarget {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  projectId: string;
}

/** The cloud answered with an error: its code, message and request id, as the SDKs read them. */
export class CloudApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string,
  ) {
    super(message);
  }
}

/** `YYYYMMDDTHHMMSSZ`, the form of `X-Sdk-Date`. */
export function sdkDate(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/**
 * The headers that sign a request exactly as the official SDKs do: `content-type;host;x-project-id;x-sdk-date`
 * over the canonical request (method, URI, sorted query, those headers, SHA-256 of the body bytes).
 */
export function signedHeaders(
  target: Pick<ApiTarget, "accessKey" | "secretKey" | "projectId">,
  method: string,
  url: URL,
  body: Buffer,
  now = new Date(),
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    host: url.host,
    "x-project-id": target.projectId,
    "x-sdk-date": sdkDate(now),
  };
  const names = Object.keys(headers).sort();
  const signature = signatureFor(
    { method, path: url.pathname, rawQuery: url.search.slice(1), header: (name) => headers[name], body },
    names,
    headers["x-sdk-date"] as string,
    target.secretKey,
  );
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `${SIGNING_ALGORITHM} Access=${target.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

/** The code and message of any of the cloud's error envelopes (ECS/IAM, VPC, Neutron). */
function errorOf(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the envelopes differ by service; each branch checks what it reads
  const b = body as Record<string, any>;
  if (typeof b.error_code === "string") return { code: b.error_code, message: String(b.error_msg ?? "") };
  if (typeof b.error === "object" && b.error !== null && b.error.code !== undefined) {
    return { code: String(b.error.code), message: String(b.error.message ?? "") };
  }
  if (typeof b.NeutronError === "object" && b.NeutronError !== null) {
    return { code: String(b.NeutronError.type ?? ""), message: String(b.NeutronError.message ?? "") };
  }
  if (typeof b.code === "string") return { code: b.code, message: String(b.message ?? "") };
  return undefined;
}

/** A small AK/SK-signed JSON client for the CLI's commands. */
export class SignedClient {
  constructor(readonly target: ApiTarget) {}

  /** `path` may hold `{project_id}`; `query` values that are undefined are left out. */
  async call<T = unknown>(
    method: string,
    path: string,
    options: { query?: Record<string, string | number | boolean | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(
      `${this.target.endpoint.replace(/\/+$/, "")}${path.replace("{project_id}", this.target.projectId)}`,
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value));
    }
    const body = Buffer.from(options.body === undefined ? "" : JSON.stringify(options.body));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: signedHeaders(this.target, method, url, body),
        body: options.body === undefined ? undefined : body,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code === "ECONNREFUSED" ? "connection refused" : (cause?.message ?? String(error));
      throw new OperationalError(`cannot reach ${this.target.endpoint}: ${reason} (is "ecs-vip serve" running?)`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = errorOf(parsed) ?? { code: `HTTP ${response.status}`, message: text.slice(0, 200) };
      throw new CloudApiError(response.status, error.code, error.message, response.headers.get("x-request-id") ?? "");
    }
    return parsed as T;
  }
}

/** The keys in `credentials.json` that `ecs-vip serve` writes on first start. */
export function readCredentialsFile(file: string): { accessKey?: string; secretKey?: string; projectId?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new OperationalError(
      code === "ENOENT"
        ? `no credentials file at ${file}: give --credentials FILE, or --ak, --sk and --project-id`
        : `cannot read ${file}: ${code ?? String(error)}`,
    );
  }
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const pick = (key: string) => (typeof json[key] === "string" ? (json[key] as string) : undefined);
    return { accessKey: pick("accessKey"), secretKey: pick("secretKey"), projectId: pick("projectId") };
  } catch {
    throw new OperationalError(`${file} is not JSON`);
  }
}
