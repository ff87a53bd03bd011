import type { AddressInfo } from "node:net";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import type { SecuritySettings } from "../../src/auth/security-settings.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { defaultContext, type UseCaseContext } from "../../src/usecases/context.js";
import { bootstrap } from "../../src/usecases/iam/bootstrap.js";
import { testIdentity } from "../support/server.js";

/** The app over an in-memory store on a loopback port, with chosen protections and a known identity. */
export interface SecureServer {
  app: FastifyInstance;
  context: UseCaseContext;
  url: string;
  projectId: string;
  accessKey: string;
  secretKey: string;
  password: string;
  dump(): Promise<Record<string, Record<string, unknown>[]>>;
  close(): Promise<void>;
}

export async function startSecureServer(
  security: Partial<SecuritySettings> = {},
  appOptions: { publicUrl?: string } = {},
): Promise<SecureServer> {
  const identity = testIdentity();
  const store = await SqliteStore.open({ path: ":memory:" });
  const context = defaultContext(store);
  await bootstrap(context, {
    projectName: "local-1",
    projectId: identity.projectId,
    accessKey: identity.accessKey,
    secretKey: identity.secretKey,
    adminPassword: identity.password,
  });
  const app = await buildApp({ context, security, ...appOptions });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    context,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    ...identity,
    dump: () => context.store.read((tx) => tx.admin.dump()),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export async function send(url: string, init: RequestInit): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** A request signed by the official SDK's signer; `sk` may be wrong on purpose. */
export function signedRequest(
  server: SecureServer,
  method: string,
  path: string,
  options: { body?: unknown; ak?: string; sk?: string; headers?: Record<string, string> } = {},
): [string, RequestInit] {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "X-Project-Id": server.projectId,
    ...options.headers,
  };
  const credentials = new BasicCredentials()
    .withAk(options.ak ?? server.accessKey)
    .withSk(options.sk ?? server.secretKey);
  const all = AKSKSigner.sign(
    { endpoint: `${server.url}${path}`, method, headers, queryParams: {}, data: options.body },
    credentials,
  ) as Record<string, string>;
  delete all.host;
  return [
    `${server.url}${path}`,
    { method, headers: all, body: options.body === undefined ? undefined : JSON.stringify(options.body) },
  ];
}

export function passwordLogin(server: SecureServer, userName: string, password: string): Promise<Reply> {
  return send(`${server.url}/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: userName, password, domain: { name: "default" } } },
        },
        scope: { project: { id: server.projectId } },
      },
    }),
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
