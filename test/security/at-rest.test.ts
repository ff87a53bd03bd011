/**
 * Nothing to steal at rest: the data directory is 0700 and its files 0600; secret keys and the token secret are
 * sealed under the master key, so a copy of the database alone can neither forge a token nor sign a request; clear
 * secrets of an older store are sealed at start; token claims are checked strictly.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/tokens.js";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { type SecureServer, send, signedRequest } from "./support.js";

let server: TestServer;
let api: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
  // A write, so the -wal file exists.
  await api.call("POST", api.p("/vpcs"), { vpc: { name: "v", cidr: "10.0.0.0/16" } });
});
afterAll(async () => server.dispose());

const mode = (path: string) => statSync(path).mode & 0o777;

describe("files at rest", () => {
  it("keeps the data directory 0700 and every file the server wrote 0600", () => {
    expect(mode(server.dir)).toBe(0o700);
    const db = join(server.dir, "ecs-vip.db");
    for (const file of [db, `${db}-wal`, `${db}-shm`, join(server.dir, "master.key")]) {
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    }
    expect(readFileSync(join(server.dir, "master.key"), "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("holds no secret key or token secret in clear", () => {
    const copy = new Database(join(server.dir, "ecs-vip.db"), { readonly: true });
    const keys = copy.prepare("SELECT secret_key FROM access_keys").all() as { secret_key: string }[];
    const tokenSecret = copy.prepare("SELECT value FROM meta WHERE key = 'token_secret'").get() as { value: string };
    copy.close();
    expect(keys.length).toBeGreaterThan(0);
    for (const { secret_key } of keys) {
      expect(secret_key.startsWith("enc:v1:")).toBe(true);
      expect(secret_key).not.toContain(server.secretKey);
    }
    expect(tokenSecret.value.startsWith("enc:v1:")).toBe(true);
  });
});

describe("forging with a copy of the database", () => {
  it("fails: a token signed with the stored (sealed) secret and a request signed with the stored key are refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-vip-stolen-"));
    try {
      for (const suffix of ["", "-wal", "-shm"]) {
        copyFileSync(join(server.dir, `ecs-vip.db${suffix}`), join(dir, `stolen.db${suffix}`));
      }
      const copy = new Database(join(dir, "stolen.db"), { readonly: true });
      const meta = copy.prepare("SELECT value FROM meta WHERE key = 'token_secret'").get() as { value: string };
      const user = copy.prepare("SELECT id, account_id FROM users").get() as { id: string; account_id: string };
      const stored = copy.prepare("SELECT access_key, secret_key FROM access_keys").get() as {
        access_key: string;
        secret_key: string;
      };
      copy.close();
      const now = Date.now();
      const claims = {
        userId: user.id,
        accountId: user.account_id,
        projectId: server.projectId,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
      };
      // Every piece of the stored value is tried as the signing secret.
      for (const guess of [meta.value, ...meta.value.split(":")]) {
        const forged = new ApiClient(server.url, server.projectId, issueToken(claims, guess));
        const reply = await forged.call("GET", forged.p("/vpcs"));
        expect(reply.status).toBe(401);
      }
      const target = { url: server.url, projectId: server.projectId } as SecureServer;
      for (const guess of [stored.secret_key, ...stored.secret_key.split(":")]) {
        const reply = await send(
          ...signedRequest(target, "GET", `/v1/${server.projectId}/vpcs`, { ak: stored.access_key, sk: guess }),
        );
        expect(reply.status).toBe(401);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("token claims", () => {
  const secret = () =>
    server.store.read(async (tx) => server.context.secrets.open((await tx.admin.getMeta("token_secret")) ?? ""));

  it("refuses tokens with an endless, non-ISO or over-long lifetime, or a missing field, even when signed right", async () => {
    const { users } = await server.store.read((tx) => tx.admin.dump());
    const user = users?.[0] as { id: string; account_id: string };
    const now = Date.now();
    const good = {
      userId: user.id,
      accountId: user.account_id,
      projectId: server.projectId,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 3_600_000).toISOString(),
    };
    const key = await secret();
    const use = async (claims: Record<string, unknown>) => {
      const client = new ApiClient(server.url, server.projectId, issueToken(claims as never, key));
      return (await client.call("GET", client.p("/vpcs"))).status;
    };
    expect(await use(good)).toBe(200);
    expect(await use({ ...good, expiresAt: "Infinity" })).toBe(401);
    expect(await use({ ...good, expiresAt: "2999-01-01" })).toBe(401);
    expect(await use({ ...good, expiresAt: new Date(now + 3 * 86_400_000).toISOString() })).toBe(401);
    expect(await use({ ...good, issuedAt: new Date(now + 3_600_000).toISOString() })).toBe(401);
    const { projectId: _dropped, ...withoutProject } = good;
    expect(await use(withoutProject)).toBe(401);
    expect(await use({ ...good, userId: 42 })).toBe(401);
  });
});

describe("master key at start", () => {
  it("seals the clear secrets of an older store, and refuses to start with another master key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-vip-reseal-"));
    try {
      const first = await startTestServer({ dir });
      await first.stop();
      const file = join(dir, "ecs-vip.db");
      const old = new Database(file);
      old.prepare("UPDATE access_keys SET secret_key = ?").run(first.secretKey);
      old.prepare("UPDATE meta SET value = ? WHERE key = 'token_secret'").run("an-old-clear-secret");
      old.close();
      const { accessKey, secretKey, projectId, password } = first;
      const again = await startTestServer({ dir, accessKey, secretKey, projectId, password });
      const check = new Database(file, { readonly: true });
      const sealed = check.prepare("SELECT secret_key FROM access_keys").all() as { secret_key: string }[];
      check.close();
      expect(sealed.every((row) => row.secret_key.startsWith("enc:v1:"))).toBe(true);
      const target = { url: again.url, projectId: again.projectId } as SecureServer;
      const signedOk = await send(
        ...signedRequest(target, "GET", `/v1/${again.projectId}/vpcs`, { ak: first.accessKey, sk: first.secretKey }),
      );
      expect(signedOk.status).toBe(200);
      await again.stop();
      writeFileSync(join(dir, "master.key"), `${"ab".repeat(32)}\n`);
      await expect(startTestServer({ dir, password: first.password })).rejects.toThrow(/master key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
