/** The cloud's own API, called from the page exactly as any client calls it (same origin, X-Auth-Token). */

export interface Session {
  token: string;
  projectId: string;
  projectName: string;
  userName: string;
  domainName: string;
}

/** A rejected call, with the code and message the cloud answered (any of its services' envelopes). */
export class CloudApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId = "",
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Json)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads ECS / IAM `{error:{code,message}}`, VPC `{code,message}`, gateway `{error_code,error_msg}`, Neutron. */
export function cloudErrorOf(status: number, body: unknown, requestId = ""): CloudApiError {
  const nested = field(body, "error") ?? field(body, "NeutronError");
  const code =
    text(field(nested, "code")) ??
    text(field(nested, "type")) ??
    text(field(body, "error_code")) ??
    text(field(body, "code")) ??
    `HTTP ${status}`;
  const message =
    text(field(nested, "message")) ??
    text(field(body, "error_msg")) ??
    text(field(body, "message")) ??
    (typeof body === "string" && body !== "" ? body : "The request failed.");
  return new CloudApiError(status, code, message, requestId);
}

async function readBody(response: Response): Promise<unknown> {
  const raw = await response.text();
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function call(session: Session | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session) headers["X-Auth-Token"] = session.token;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch (error) {
    throw new CloudApiError(0, "Network", `The server could not be reached (${String(error)}).`);
  }
  const parsed = await readBody(response);
  if (!response.ok) throw cloudErrorOf(response.status, parsed, response.headers.get("X-Request-Id") ?? "");
  return { response, body: parsed };
}

export interface LoginInput {
  username: string;
  password: string;
  /** A project name or id; empty: the user's first project. */
  project: string;
  /** The account (IAM domain) name; empty: `default`. */
  domain: string;
}

const PROJECT_ID = /^[0-9a-f]{32}$/;

/** POST /v3/auth/tokens with a password, as any IAM client does; the token stays in this page's memory only. */
export async function login(input: LoginInput): Promise<Session> {
  const domainName = input.domain.trim() || "default";
  const project = input.project.trim();
  const scope =
    project === "" ? undefined : { project: PROJECT_ID.test(project) ? { id: project } : { name: project } };
  const { response, body } = await call(undefined, "POST", "/v3/auth/tokens?nocatalog=true", {
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: input.username.trim(), password: input.password, domain: { name: domainName } } },
      },
      ...(scope ? { scope } : {}),
    },
  });
  const token = response.headers.get("X-Subject-Token") ?? "";
  const issued = field(body, "token");
  const scoped = field(issued, "project");
  return {
    token,
    projectId: String(field(scoped, "id") ?? ""),
    projectName: String(field(scoped, "name") ?? ""),
    userName: String(field(field(issued, "user"), "name") ?? input.username),
    domainName,
  };
}

export interface BindInput {
  subnetId: string;
  ipAddress: string;
  reverseBinding: boolean;
}

/** PUT /v1/{project_id}/cloudservers/nics/{nic_id}: bind a virtual IP to the NIC. */
export async function bindVip(session: Session, nicId: string, input: BindInput): Promise<void> {
  await call(session, "PUT", `/v1/${session.projectId}/cloudservers/nics/${encodeURIComponent(nicId)}`, {
    nic: { subnet_id: input.subnetId, ip_address: input.ipAddress, reverse_binding: input.reverseBinding },
  });
}

/** The same call with both fields empty: the NIC lets go of its virtual IPs. */
export async function unbindNic(session: Session, nicId: string): Promise<void> {
  await call(session, "PUT", `/v1/${session.projectId}/cloudservers/nics/${encodeURIComponent(nicId)}`, {
    nic: { subnet_id: "", ip_address: "" },
  });
}
