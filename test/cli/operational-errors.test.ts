import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, serverEnv, spawnServer } from "../support/child-server.js";
import { PG_SKIP_REASON, TEST_PG_URL } from "../support/postgres.js";
import { closedPort, ecsVip, hasStackTrace, newIdentity, WITHOUT_FILE_OVERRIDE } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-vip-operr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `serve` that must fail: exit 1, one line on stderr, no stack trace. */
async function failingServe(args: string[], env: Record<string, string> = {}, withoutFileOverride = false) {
  const run = await ecsVip(["serve", "--port", "0", "--log-level", "warn", ...args], { env, withoutFileOverride });
  expect(run.code, run.stderr).toBe(1);
  expect(hasStackTrace(run.stderr)).toBe(false);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  return run.stderr.trim();
}

/** A TCP server that accepts connections and never answers: a database that hangs. */
async function silentServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    connections: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The EACCES case needs root, to run the CLI without the capabilities that pass over file permissions. */
function canDropFileOverride(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync("setpriv", [...WITHOUT_FILE_OVERRIDE, "--", "true"]).status === 0;
}

describe("ecs-vip serve: one line and exit 1 for the mistakes users make", () => {
  const sqlite = (name: string) => `sqlite:${join(dir, name, "ecs-vip.db")}`;

  it("a port in use", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const line = await failingServe(["--port", String(port), "--db", sqlite("inuse")]);
      expect(line).toBe(
        `ecs-vip: cannot listen on 127.0.0.1:${port}: the port is already in use (choose another with --port)`,
      );
    } finally {
      holder.close();
    }
  }, 60_000);

  it("a --host that is not this machine's, or no host at all", async () => {
    expect(await failingServe(["--host", "192.0.2.1", "--db", sqlite("host")])).toMatch(
      /^ecs-vip: cannot listen on 192\.0\.2\.1(:0)?: the address is not one of this machine's \(check --host\)$/,
    );
    expect(await failingServe(["--host", "no-such-host.invalid", "--db", sqlite("host")])).toBe(
      "ecs-vip: cannot resolve host no-such-host.invalid",
    );
  }, 60_000);

  it("a --db that names no supported database", async () => {
    expect(await failingServe(["--db", "mysql://localhost/x"])).toBe(
      "ecs-vip: unsupported database URL: mysql://localhost/x (use sqlite:PATH or postgres://…)",
    );
  }, 60_000);

  it("a PostgreSQL that is not there", async () => {
    const port = await closedPort();
    expect(await failingServe(["--db", `postgres://postgres@127.0.0.1:${port}/x`, "--data-dir", join(dir, "pg")])).toBe(
      `ecs-vip: cannot connect to 127.0.0.1:${port}: connection refused`,
    );
  }, 60_000);

  it.skipIf(!TEST_PG_URL)(
    `a PostgreSQL database that does not exist${TEST_PG_URL ? "" : ` (${PG_SKIP_REASON})`}`,
    async () => {
      const url = new URL(TEST_PG_URL as string);
      url.pathname = "/ecs_vip_no_such_database";
      expect(await failingServe(["--db", url.toString(), "--data-dir", join(dir, "pg")])).toBe(
        'ecs-vip: PostgreSQL: database "ecs_vip_no_such_database" does not exist',
      );
    },
    60_000,
  );

  it("a PostgreSQL that accepts but never answers: serve and check give up after the connect timeout", async () => {
    const silent = await silentServer();
    try {
      const db = `postgres://postgres@127.0.0.1:${silent.port}/x?connect_timeout=1`;
      expect(await failingServe(["--db", db, "--data-dir", join(dir, "pg")])).toBe(
        "ecs-vip: PostgreSQL did not answer within the connect timeout (the URL may set ?connect_timeout=SECONDS)",
      );
      const check = await ecsVip(["check", "--db", db]);
      expect(check.code).not.toBe(0);
      expect(hasStackTrace(check.stderr)).toBe(false);
    } finally {
      await silent.close();
    }
  }, 60_000);

  it("SIGINT while the database does not answer stops serve at once", async () => {
    const silent = await silentServer();
    try {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/main.ts",
          "serve",
          "--port",
          "0",
          "--db",
          `postgres://postgres@127.0.0.1:${silent.port}/x`,
        ],
        {
          cwd: REPO_ROOT,
          env: serverEnv(newIdentity(), { ECS_VIP_DATA_DIR: join(dir, "sigint") }),
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // Wait until the process is past loading and waits for the database (the silent server has a client).
      for (let i = 0; i < 300 && silent.connections() === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(silent.connections()).toBeGreaterThan(0);
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      const code = await exited;
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(stderr).toContain("SIGINT while starting: not started");
    } finally {
      await silent.close();
    }
  }, 60_000);

  it("a data directory that cannot be written: nothing is committed, and a later start creates the identity", async () => {
    const db = sqlite("atomic");
    // A data directory under a regular file cannot be created, even by root.
    writeFileSync(join(dir, "not-a-dir"), "");
    const identity = newIdentity();
    const env = serverEnv(identity) as Record<string, string>;
    const line = await failingServe(["--db", db, "--data-dir", join(dir, "not-a-dir", "data")], env);
    expect(line).toMatch(/^ecs-vip: .*not-a-dir/);
    // Nothing committed: the store was either never created (the data directory is secured before it opens) or
    // holds no identity.
    const path = join(dir, "atomic", "ecs-vip.db");
    if (existsSync(path)) {
      const file = new Database(path, { readonly: true });
      expect(file.prepare("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 0 });
      file.close();
    }
    // Started again with a writable directory, the first start happens now and writes its credentials.
    const server = await spawnServer({ db, identity, dataDir: join(dir, "atomic") });
    expect(server.stdout()).toContain("first start");
    expect(JSON.parse(readFileSync(join(dir, "atomic", "credentials.json"), "utf8"))).toMatchObject({
      accessKey: identity.accessKey,
      projectId: identity.projectId,
    });
    expect((await server.terminate()).code).toBe(0);
  }, 60_000);

  it.skipIf(!canDropFileOverride())(
    "EACCES on the data directory (needs root, to run without the file-permission override capabilities)",
    async () => {
      const parent = join(dir, "eacces");
      mkdirSync(parent);
      mkdirSync(join(parent, "locked"), { mode: 0o555 });
      const line = await failingServe(
        ["--db", `sqlite:${join(parent, "ecs-vip.db")}`, "--data-dir", join(parent, "locked", "data")],
        { HOME: parent, TSX_CACHE_DIR: join(parent, "tsx") },
        true,
      );
      expect(line).toBe(`ecs-vip: permission denied: ${join(parent, "locked", "data")} (mkdir)`);
      expect(existsSync(join(parent, "locked", "data"))).toBe(false);
    },
    60_000,
  );
});
