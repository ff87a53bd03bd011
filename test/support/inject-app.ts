import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import type { Limits } from "../../src/domain/limits.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { defaultContext, type UseCaseContext } from "../../src/usecases/context.js";
import { bootstrap } from "../../src/usecases/iam/bootstrap.js";
import { ensureDefaultSecurityGroup } from "../../src/usecases/security-groups/default-group.js";

/**
 * The whole app in-process (app.inject: no sockets) over an in-memory SQLite store that can be swapped for a fresh one
 * in well under a millisecond. Bootstrap (which hashes the admin password with scrypt, ~25 ms) runs once; a fresh
 * store gets a byte-for-byte copy of the identity rows bootstrap wrote, so tokens issued once stay valid after a reset.
 */
export interface InjectApp {
  app: FastifyInstance;
  context: UseCaseContext;
  projectId: string;
  password: string;
  token: string;
  /** A token for a second project of the same account (see `secondProject`); "" without one. */
  foreignToken: string;
  store(): Store;
  /** Swaps in a fresh store holding only the bootstrap identity. */
  reset(): Promise<void>;
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  /** The loopback port the app listens on (it starts listening on first use). */
  port(): Promise<number>;
  /** The same request over a real socket (the app listens on a loopback port on first use). */
  fetch(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  dump(): Promise<Record<string, Record<string, unknown>[]>>;
  close(): Promise<void>;
}

export interface InjectResponse {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export const TEST_PROJECT_ID = "0123456789abcdef0123456789abcdef";
export const TEST_PASSWORD = "Model-Passw0rd";
export const TEST_FOREIGN_PROJECT_ID = "fedcba9876543210fedcba9876543210";
export const IDENTITY_TABLES = [
  "meta",
  "accounts",
  "users",
  "projects",
  "access_keys",
  "user_groups",
  "group_members",
  "group_grants",
] as const;

type Rows = Record<string, Record<string, unknown>[]>;

async function freshStore(identity: Rows): Promise<Store> {
  const store = await SqliteStore.open({ path: ":memory:", synchronous: "normal" });
  await insertIdentity(store, identity, true);
  return store;
}

/** Writes the identity rows bootstrap made (meta too, unless the store kept its own). */
async function insertIdentity(store: Store, identity: Rows, withMeta: boolean): Promise<void> {
  await store.write(async (tx) => {
    const s = (value: unknown) => String(value);
    if (withMeta) for (const row of identity.meta ?? []) await tx.admin.setMeta(s(row.key), s(row.value));
    for (const row of identity.accounts ?? []) await tx.iam.insertAccount({ id: s(row.id), name: s(row.name) });
    for (const row of identity.users ?? []) {
      await tx.iam.insertUser({
        id: s(row.id),
        accountId: s(row.account_id),
        name: s(row.name),
        passwordHash: s(row.password_hash),
        enabled: Number(row.enabled) !== 0,
        description: s(row.description),
        createdAt: s(row.created_at),
      });
    }
    for (const row of identity.projects ?? []) {
      await tx.iam.insertProject({
        id: s(row.id),
        accountId: s(row.account_id),
        name: s(row.name),
        description: s(row.description),
      });
    }
    for (const row of identity.access_keys ?? []) {
      await tx.iam.insertAccessKey({
        accessKey: s(row.access_key),
        secretKey: s(row.secret_key),
        userId: s(row.user_id),
        status: row.status === "inactive" ? "inactive" : "active",
        description: s(row.description),
        createdAt: s(row.created_at),
      });
    }
    for (const row of identity.user_groups ?? []) {
      await tx.iam.insertGroup({
        id: s(row.id),
        accountId: s(row.account_id),
        name: s(row.name),
        description: s(row.description),
        createdAt: s(row.created_at),
      });
    }
    for (const row of identity.group_members ?? []) await tx.iam.addGroupMember(s(row.group_id), s(row.user_id));
    for (const row of identity.group_grants ?? []) {
      await tx.iam.grantRole({ groupId: s(row.group_id), projectId: s(row.project_id), roleId: s(row.role_id) });
    }
  });
}

function encodeBody(body: unknown): string | Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string" || Buffer.isBuffer(body)) return body;
  return JSON.stringify(body);
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface InjectAppOptions {
  limits?: Partial<Limits>;
  bodyLimit?: number;
  /** Run on this (empty) PostgreSQL database instead of in-memory SQLite; reset truncates its data tables. */
  postgresUrl?: string;
  /** Also a second project ("local-2") in the same account, with a token: whatever lives there is foreign. */
  secondProject?: boolean;
}

/** Identity tables but meta (the token secret stays), for TRUNCATE … CASCADE. */
const IDENTITY_DATA_TABLES = IDENTITY_TABLES.filter((table) => table !== "meta");

/** Everything but identity, in an order TRUNCATE accepts with CASCADE. */
const DATA_TABLES = [
  "eips",
  "port_security_groups",
  "security_group_rules",
  "security_groups",
  "address_pairs",
  "fixed_ips",
  "ports",
  "servers",
  "jobs",
  "subnets",
  "networks",
  "vpcs",
];

export async function createInjectApp(options: InjectAppOptions = {}) {
  const postgres = options.postgresUrl;
  const template: Store = postgres
    ? await (await import("../../src/store/postgres/postgres-store.js")).PostgresStore.open({ url: postgres })
    : await SqliteStore.open({ path: ":memory:" });
  const context = defaultContext(template, options.limits);
  await bootstrap(context, { projectName: "local-1", projectId: TEST_PROJECT_ID, adminPassword: TEST_PASSWORD });
  if (options.secondProject) {
    await template.write(async (tx) => {
      const project = await tx.iam.getProject(TEST_PROJECT_ID);
      await tx.iam.insertProject({
        id: TEST_FOREIGN_PROJECT_ID,
        accountId: project?.accountId ?? "",
        name: "local-2",
        description: "",
      });
    });
  }
  const full = await template.read((tx) => tx.admin.dump());
  const identity: Rows = Object.fromEntries(IDENTITY_TABLES.map((table) => [table, full[table] ?? []]));
  // No rate limit here: the model and fuzz suites send thousands of requests a second with one token. No audit trail
  // either: they check that a refused request commits no write, and recording it is one (tested in test/security).
  const app = await buildApp({ context, bodyLimit: options.bodyLimit, security: { rateLimit: 0 }, audit: false });
  await app.ready();

  const login = async (projectId: string) => {
    const response = await app.inject({
      method: "POST",
      url: "/v3/auth/tokens",
      payload: {
        auth: {
          identity: {
            methods: ["password"],
            password: { user: { name: "admin", password: TEST_PASSWORD, domain: { name: "default" } } },
          },
          scope: { project: { id: projectId } },
        },
      },
    });
    if (response.statusCode !== 201) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return String(response.headers["x-subject-token"]);
  };
  const token = await login(TEST_PROJECT_ID);
  const foreignToken = options.secondProject ? await login(TEST_FOREIGN_PROJECT_ID) : "";
  let baseUrl: string | undefined;

  const harness: InjectApp = {
    app,
    context,
    projectId: TEST_PROJECT_ID,
    password: TEST_PASSWORD,
    token,
    foreignToken,
    store: () => context.store,
    async reset() {
      if (postgres) {
        const pg = (await import("pg")).default;
        const client = new pg.Client({ connectionString: postgres });
        await client.connect();
        // Identity too (a request may have added users or deleted a key): back to what bootstrap made.
        await client.query(`TRUNCATE ${[...DATA_TABLES, ...IDENTITY_DATA_TABLES].join(", ")} CASCADE`);
        await client.end();
        await insertIdentity(context.store, identity, false);
      } else {
        const previous = context.store;
        context.store = await freshStore(identity);
        await previous.close();
      }
      // Every project starts with its default security group, as bootstrap gives it.
      await context.store.write(async (tx) => {
        for (const row of identity.projects ?? []) await ensureDefaultSecurityGroup(context, tx, String(row.id));
      });
    },
    async call(method, url, body, headers = {}) {
      const response = await app.inject({
        method: method as "GET",
        url,
        payload: encodeBody(body),
        headers: { "content-type": "application/json", "x-auth-token": token, ...headers },
      });
      return {
        status: response.statusCode,
        body: parse(response.body),
        text: response.body,
        headers: response.headers,
      };
    },
    async port() {
      if (baseUrl === undefined) {
        await app.listen({ host: "127.0.0.1", port: 0 });
        baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      return (app.server.address() as AddressInfo).port;
    },
    async fetch(method, url, body, headers = {}) {
      await harness.port();
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { "content-type": "application/json", "x-auth-token": token, ...headers },
        body: encodeBody(body) as string | undefined,
      });
      const text = await response.text();
      return { status: response.status, body: parse(text), text, headers: Object.fromEntries(response.headers) };
    },
    dump: () => context.store.read((tx) => tx.admin.dump()),
    async close() {
      await app.close();
      await context.store.close();
      // On SQLite the template was closed by the first reset (closing again is harmless); on PostgreSQL it is the store.
      if (!postgres) await template.close();
    },
  };
  return harness;
}
