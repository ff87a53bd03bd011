import { readFileSync } from "node:fs";
import { SIGNING_ALGORITHM, signatureFor } from "../auth/aksk-signature.js";

/** Where the CLI reaches a server and with which key: flags, then environment, then the credentials file. */
export interface Connection {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  projectId: string;
}

export interface ConnectionOptions {
  endpoint?: string;
  ak?: string;
  sk?: string;
  projectId?: string;
  credentials?: string;
}

export class CliUsageError extends Error {}

export function resolveConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv): Connection {
  const file = options.credentials ?? "./data/credentials.json";
  let saved: { accessKey?: string; secretKey?: string; projectId?: string } = {};
  const accessKey = options.ak ?? env.ECS_VIP_AK;
  const secretKey = options.sk ?? env.ECS_VIP_SK;
  const projectId = options.projectId ?? env.ECS_VIP_PROJECT_ID;
  if (!accessKey || !secretKey || !projectId) {
    try {
      saved = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new CliUsageError(
        `no credentials: give --ak, --sk and --project-id (or ECS_VIP_AK, ECS_VIP_SK, ECS_VIP_PROJECT_ID), ` +
          `or a readable --credentials file (${file}: ${(error as Error).message})`,
      );
    }
  }
  const connection = {
    endpoint: (options.endpoint ?? env.ECS_VIP_ENDPOINT ?? "http://127.0.0.1:8080").replace(/\/+$/, ""),
    accessKey: accessKey ?? saved.accessKey ?? "",
    secretKey: secretKey ?? saved.secretKey ?? "",
    projectId: projectId ?? saved.projectId ?? "",
  };
  if (!connection.accessKey || !connection.secretKey) throw new CliUsageError(`${file} holds no access key`);
  return connection;
}

function sdkDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export interface CliResponse {
  status: number;
  body: unknown;
  requestId: string;
}

/** One request signed with SDK-HMAC-SHA256 exactly as the official SDKs sign (path, query, host, date, body hash). */
export async function signedRequest(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<CliResponse> {
  const url = new URL(`${connection.endpoint}${path}`);
  const payload = body === undefined ? "" : JSON.stringify(body);
  const date = sdkDate(new Date());
  const headers: Record<string, string> = {
    host: url.host,
    "content-type": "application/json",
    "x-sdk-date": date,
    "x-project-id": connection.projectId,
  };
  const signedHeaders = Object.keys(headers).sort();
  const signature = signatureFor(
    {
      method,
      path: url.pathname,
      rawQuery: url.search.replace(/^\?/, ""),
      header: (name) => headers[name],
      body: Buffer.from(payload),
    },
    signedHeaders,
    date,
    connection.secretKey,
  );
  headers.authorization =
    `${SIGNING_ALGORITHM} Access=${connection.accessKey}, SignedHeaders=${signedHeaders.join(";")}, ` +
    `Signature=${signature}`;
  const response = await fetch(url, { method, headers, body: payload === "" ? undefined : payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, requestId: response.headers.get("x-request-id") ?? "" };
}

/** The cloud's code and message from any of its envelopes. */
export function cloudError(body: unknown): { code: string; message: string } {
  type Envelopes = {
    error_code?: string;
    error_msg?: string;
    code?: string;
    message?: string;
    error?: { code?: string; message?: string };
    NeutronError?: { type?: string; message?: string };
  };
  const e = (body ?? {}) as Envelopes;
  const code = e.error_code ?? e.error?.code ?? e.code ?? e.NeutronError?.type ?? "unknown";
  const message = e.error_msg ?? e.error?.message ?? e.message ?? e.NeutronError?.message ?? "";
  return { code: String(code), message: String(message) };
}
