/**
 * What every answer must satisfy, whatever was sent: never a 5xx; an X-Request-Id header; and every 4xx in an
 * envelope the request's service (or the API gateway in front of it) uses, with a code the registry lists for that
 * envelope at that very status.
 */
import { type Envelope, ERRORS } from "../../src/errors/registry.js";
import { serviceOfPath } from "./catalog.js";

const REGISTERED = new Set(Object.values(ERRORS).map((spec) => `${spec.envelope} ${spec.code} ${spec.status}`));

function keys(value: unknown): string {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value).sort().join(",") : "";
}

/** The envelope a body is in and the code it carries, judged from its exact shape. */
export function envelopeOf(body: any): { envelope: Envelope; code: string } | undefined {
  const top = keys(body);
  if (top === "error" && keys(body.error) === "code,message" && typeof body.error.code === "string") {
    return { envelope: "ecs", code: body.error.code };
  }
  if (top === "error" && keys(body.error) === "code,message,title" && typeof body.error.code === "string") {
    return { envelope: "iam", code: body.error.code };
  }
  if (top === "code,error_code,error_msg,message" && body.code === body.error_code && typeof body.code === "string") {
    return { envelope: "vpc", code: body.code };
  }
  if (top === "NeutronError" && keys(body.NeutronError) === "detail,message,type") {
    return { envelope: "neutron", code: body.NeutronError.type };
  }
  if (top === "error_code,error_msg,request_id" && typeof body.error_code === "string") {
    return { envelope: "apigw", code: body.error_code };
  }
  return undefined;
}

/** The path as a client library sends it: dot segments resolved (light-my-request and fetch both do). */
export function normalizedPath(url: string): string {
  try {
    // As light-my-request does: a leading "//" is a path, not a host.
    return (url.startsWith("//") ? new URL(`http://localhost${url}`) : new URL(url, "http://localhost")).pathname;
  } catch {
    return url;
  }
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

/**
 * Problems with one answer; empty when it is fine. `normalize`: resolve dot segments first, as client libraries
 * (light-my-request, fetch) do before sending; a raw socket sends the path as it is.
 */
export function judge(method: string, url: string, answer: Answer, options: { normalize?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  const requestId = answer.headers["x-request-id"];
  if (typeof requestId !== "string" || !/^[0-9a-f]{32}$/.test(requestId)) problems.push("no X-Request-Id");
  if (answer.status >= 400 && method !== "HEAD") {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`4xx body is not JSON: ${answer.text.slice(0, 120)}`);
      return problems;
    }
    const found = envelopeOf(body);
    if (!found) {
      problems.push(`4xx body in no known envelope: ${answer.text.slice(0, 200)}`);
      return problems;
    }
    const service = serviceOfPath(options.normalize === false ? url : normalizedPath(url));
    const allowed: Envelope[] = service ? [service, "apigw"] : ["apigw"];
    if (!allowed.includes(found.envelope)) {
      problems.push(`${found.envelope} envelope on a ${service ?? "gateway"} path: ${answer.text.slice(0, 200)}`);
    }
    if (!REGISTERED.has(`${found.envelope} ${found.code} ${answer.status}`)) {
      problems.push(`${found.envelope} ${found.code} at ${answer.status} is not in the registry`);
    }
    if (found.envelope === "apigw" && (body as any).request_id !== requestId) {
      problems.push("request_id in the body differs from X-Request-Id");
    }
  }
  return problems;
}
