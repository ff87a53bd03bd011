/** A minimal token-authenticated client, as a curl user would call the API. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly projectId: string,
    /** The X-Auth-Token sent with every call; another client or a load generator may reuse it. */
    readonly token = "",
  ) {}

  static async login(baseUrl: string, projectId: string, password: string): Promise<ApiClient> {
    const response = await fetch(`${baseUrl}/v3/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: { user: { name: "admin", password, domain: { name: "default" } } },
          },
          scope: { project: { id: projectId } },
        },
      }),
    });
    if (response.status !== 201) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return new ApiClient(baseUrl, projectId, response.headers.get("x-subject-token") ?? "");
  }

  /** Sends `body` as JSON, or as raw text when it is a string (to send malformed input). */
  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path.replace("{project_id}", this.projectId)}`, {
      method,
      headers: { "Content-Type": "application/json", "X-Auth-Token": this.token, ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // keep the raw text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  p(path: string): string {
    return `/v1/${this.projectId}${path}`;
  }
}
