import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { cloneTestDatabase, createTestDatabase, NEEDS_PG } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

type Nic = Awaited<ReturnType<typeof createServers>>[number];

/** A store as users make it: a VIP bound both ways to two NICs, a third server, a private IP. */
async function populate(server: TestServer) {
  const api = await ApiClient.login(server.url, server.projectId, server.password);
  const net = await createNetwork(api);
  const nics = await createServers(api, net.vpcId, net.subnetId, 3);
  const [a, b] = nics as [Nic, Nic];
  for (const nic of [a, b]) {
    const bound = await api.call("PUT", api.p(`/cloudservers/nics/${nic.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.100", reverse_binding: true },
    });
    expect(bound.status).toBe(200);
  }
  const assigned = await api.call("POST", api.p("/privateips"), {
    privateips: [{ subnet_id: net.subnetId, ip_address: "192.168.0.50" }],
  });
  expect(assigned.status).toBe(200);
  return { net, nics: nics as [Nic, Nic, Nic], privateIpId: assigned.body.privateips[0].id as string };
}

const check = (db: string) => runCli(["check", "--db", db]);

/** The bytes (as a digest) and modification time of a file: what a read-only check must leave as it was. */
function fileState(path: string) {
  return { sha256: createHash("sha256").update(readFileSync(path)).digest("hex"), mtimeMs: statSync(path).mtimeMs };
}

/**
 * Files beside the store other than SQLite's own coordination files: a read-only connection to a WAL store may create
 * an empty `-wal` and a `-shm` index (SQLite needs them to read), which hold no data.
 */
function besides(path: string): string[] {
  const dir = path.slice(0, path.lastIndexOf("/"));
  const name = path.slice(path.lastIndexOf("/") + 1);
  return readdirSync(dir)
    .filter((each) => each.startsWith(name))
    .filter((each) => !(each === `${name}-shm` || (each === `${name}-wal` && statSync(join(dir, each)).size === 0)));
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = $1", [table]);
    return found.rows.length > 0;
  } finally {
    await client.end();
  }
}
const lines = (text: string) => text.split("\n").filter((line) => line !== "");

describe("ecs-vip check on SQLite", () => {
  let dir: string;
  let server: TestServer;
  let world: Awaited<ReturnType<typeof populate>>;
  /** `ecs-vip check` run while the server was serving the populated store (here, so no test depends on another). */
  let whileRunning: Awaited<ReturnType<typeof check>>;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-check-"));
    server = await startTestServer({ dir, db: `sqlite:${join(dir, "live.db")}` });
    world = await populate(server);
    whileRunning = await check(`sqlite:${file("live.db")}`);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stopped copy of the populated store (the server is stopped once, which checkpoints the WAL into the file). */
  async function copyOfStore(name: string): Promise<string> {
    await server.stop();
    copyFileSync(file("live.db"), file(name));
    return file(name);
  }

  it("exits 0 and prints no violation for a sound store while its server is running", async () => {
    expect(whileRunning.stdout).toBe("");
    expect(whileRunning.stderr).toContain("clean");
    expect(whileRunning.code).toBe(0);
  });

  it("never writes: a migrated store keeps its bytes and modification time, and no data file appears beside it", async () => {
    const path = await copyOfStore("untouched.db");
    const before = fileState(path);
    expect(await check(`sqlite:${path}`)).toMatchObject({ code: 0, stdout: "" });
    expect(fileState(path)).toEqual(before);
    expect(besides(path)).toEqual(["untouched.db"]);
  });

  it("never writes: an unmigrated store is reported at version 0 and keeps its bytes and modification time", async () => {
    const path = file("unmigrated.db");
    const db = new Database(path);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('not ecs-vip')");
    db.close();
    const before = fileState(path);
    const result = await check(`sqlite:${path}`);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^schema-version: migrations not at latest version/)]);
    expect(fileState(path)).toEqual(before);
    expect(besides(path)).toEqual(["unmigrated.db"]);
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(["notes"]);
    after.close();
  });

  it("exits 0 for the same store stopped", async () => {
    const result = await check(`sqlite:${await copyOfStore("clean.db")}`);
    expect(result).toMatchObject({ code: 0, stdout: "" });
  });

  it("exits 1 with one line per violation for a store broken by direct SQL", async () => {
    const path = await copyOfStore("broken.db");
    const [a, b, c] = world.nics;
    const db = new Database(path);
    db.pragma("foreign_keys = OFF");
    // The VIP loses its address: both NICs' pairs for it now dangle.
    db.prepare("DELETE FROM fixed_ips WHERE ip_address = '192.168.0.100'").run();
    // A private IP moved onto the subnet's broadcast address.
    db.prepare("UPDATE fixed_ips SET ip_address = '192.168.0.255' WHERE port_id = ?").run(world.privateIpId);
    // The third server loses its primary NIC's index.
    db.prepare("UPDATE ports SET nic_index = 1 WHERE id = ?").run(c.nicId);
    // A server whose VPC is gone.
    db.prepare("UPDATE servers SET vpc_id = 'vpc-gone' WHERE id = ?").run(c.serverId);
    db.close();

    const result = await check(`sqlite:${path}`);
    expect(result.code).toBe(1);
    expect(lines(result.stdout).sort()).toEqual(
      [
        `dangling-binding: NIC ${a.nicId} of server ${a.serverId} has pair 192.168.0.100/${a.mac}, but no port of VPC ${world.net.vpcId} holds 192.168.0.100`,
        `dangling-binding: NIC ${b.nicId} of server ${b.serverId} has pair 192.168.0.100/${b.mac}, but no port of VPC ${world.net.vpcId} holds 192.168.0.100`,
        `ip-reserved: port ${world.privateIpId} holds 192.168.0.255, the broadcast address of subnet ${world.net.subnetId} (192.168.0.0/24)`,
        `no-primary-nic: server ${c.serverId} has no NIC with index 0`,
        `server-without-vpc: server ${c.serverId} names VPC vpc-gone, which does not exist`,
        // The free-address structure no longer matches: 192.168.0.50 and 192.168.0.100 are free but not recorded.
        `free-ranges: subnet ${world.net.subnetId} (192.168.0.0/24) records free 192.168.0.5-192.168.0.49, 192.168.0.51-192.168.0.99, 192.168.0.101-192.168.0.252, its free addresses are 192.168.0.5-192.168.0.252`,
      ].sort(),
    );
    expect(result.stderr).toContain("6 violations");
  });

  it("reports a reverse binding left behind by a NIC deleted behind the server's back", async () => {
    const path = await copyOfStore("orphan.db");
    const [, b] = world.nics;
    const db = new Database(path);
    // ON DELETE CASCADE takes the NIC's own rows; the VIP port's reverse pair for it stays.
    db.pragma("foreign_keys = ON");
    db.prepare("DELETE FROM ports WHERE id = ?").run(b.nicId);
    db.close();
    const result = await check(`sqlite:${path}`);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      `no-primary-nic: server ${b.serverId} has no NIC with index 0`,
      expect.stringMatching(
        new RegExp(`^dangling-reverse-binding: port \\S+ \\(192\\.168\\.0\\.100\\) has pair ${b.ip}/${b.mac}, but`),
      ),
      // The NIC's address is free again, but the ranges were not told.
      expect.stringMatching(
        new RegExp(`^free-ranges: subnet ${world.net.subnetId} .* its free addresses are ${b.ip}-${b.ip}, `),
      ),
    ]);
  });

  it("reports a schema behind the latest version without migrating it", async () => {
    const path = await copyOfStore("old.db");
    const db = new Database(path);
    db.prepare("DELETE FROM schema_migrations").run();
    db.close();
    const first = await check(`sqlite:${path}`);
    expect(first.code).toBe(1);
    expect(lines(first.stdout)).toEqual([expect.stringMatching(/^schema-version: migrations not at latest version/)]);
    // Checking again finds the same: the check did not migrate.
    expect((await check(`sqlite:${path}`)).stdout).toBe(first.stdout);
  });

  it("runs SQLite's integrity check, and reports a file too damaged to open", async () => {
    const pageSize = 4096;
    const overwrite = (path: string, pages: (count: number) => number[]) => {
      const count = Math.floor(statSync(path).size / pageSize);
      expect(count).toBeGreaterThan(4);
      const fd = openSync(path, "r+");
      for (const page of pages(count)) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
      closeSync(fd);
    };
    // Garbage over the last pages (table and index b-trees): the file opens, SQLite's check finds the damage.
    const damaged = await copyOfStore("damaged.db");
    overwrite(damaged, (count) => [count - 3, count - 2, count - 1]);
    const first = await check(`sqlite:${damaged}`);
    expect(first.code).toBe(1);
    expect(lines(first.stdout)[0]).toMatch(/^integrity-check: /);
    // Garbage over every page but the header: SQLite refuses the file, which is a finding too (not "cannot check").
    const ruined = await copyOfStore("ruined.db");
    overwrite(ruined, (count) => Array.from({ length: count - 1 }, (_, i) => i + 1));
    const second = await check(`sqlite:${ruined}`);
    expect(second.code).toBe(1);
    expect(lines(second.stdout)).toEqual([expect.stringMatching(/^integrity-check: cannot open: /)]);
  });

  it("exits 2 without creating anything when the database does not exist, or for unknown arguments", async () => {
    const missing = await check(`sqlite:${file("missing.db")}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no database at");
    expect(() => statSync(file("missing.db"))).toThrow();
    const wrong = await runCli(["check", "--dbx", "sqlite:x.db"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown option '--dbx'");
  });

  it("exits 2 for a malformed or unsupported database URL and for an unreachable PostgreSQL server", async () => {
    for (const db of ["mysql://root@127.0.0.1/x", "postgres://[not-a-host", "postgres://postgres@127.0.0.1:1/none"]) {
      const result = await check(db);
      expect(result.code, `${db}: ${result.stderr}`).toBe(2);
      expect(result.stdout).toBe("");
    }
  });
});

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title("ecs-vip check on PostgreSQL"), () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let world: Awaited<ReturnType<typeof populate>>;
  let whileRunning: Awaited<ReturnType<typeof check>>;
  const copies: { drop: () => Promise<void> }[] = [];
  /** A copy of the populated (and stopped) store, so each test breaks its own. */
  const copy = async () => {
    const made = await cloneTestDatabase(database.url);
    copies.push(made);
    return made.url;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ db: database.url });
    world = await populate(server);
    whileRunning = await check(database.url);
    await server.stop();
  });
  afterAll(async () => {
    await server?.dispose();
    for (const made of copies) await made.drop();
    await database?.drop();
  });

  it("exits 0 for a sound store while its server is running", async () => {
    expect(whileRunning).toMatchObject({ code: 0, stdout: "" });
  });

  it("never writes: an unmigrated database is reported and left without a schema_migrations table", async () => {
    const empty = await createTestDatabase();
    copies.push(empty);
    const result = await check(empty.url);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^schema-version: migrations not at latest/)]);
    expect(await tableExists(empty.url, "schema_migrations")).toBe(false);
  });

  it("exits 2 for a database that does not exist", async () => {
    const url = new URL(database.url);
    url.pathname = "/ecs_vip_no_such_database";
    const result = await check(url.toString());
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
  });

  it("exits 1 with one line per violation for a store broken by direct SQL", async () => {
    const [a] = world.nics;
    const broken = await copy();
    const client = new pg.Client({ connectionString: broken });
    await client.connect();
    await client.query("UPDATE fixed_ips SET ip_address = '192.168.0.0' WHERE port_id = $1", [world.privateIpId]);
    await client.query("UPDATE ports SET mac_address = 'fa:16:3e:ff:ff:ff' WHERE id = $1", [a.nicId]);
    await client.end();
    const result = await check(broken);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      `ip-reserved: port ${world.privateIpId} holds 192.168.0.0, the network address of subnet ${world.net.subnetId} (192.168.0.0/24)`,
      expect.stringMatching(
        new RegExp(`^dangling-reverse-binding: port \\S+ \\(192\\.168\\.0\\.100\\) has pair ${a.ip}/${a.mac}, but`),
      ),
      // The private IP's old address is free now, but the free ranges were not told.
      expect.stringMatching(
        new RegExp(`^free-ranges: subnet ${world.net.subnetId} \\(192\\.168\\.0\\.0/24\\) records`),
      ),
    ]);
  });

  it("reports migrations behind the latest version", async () => {
    const behind = await copy();
    const client = new pg.Client({ connectionString: behind });
    await client.connect();
    await client.query("DELETE FROM schema_migrations");
    await client.end();
    const result = await check(behind);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^schema-version: migrations not at latest/)]);
  });
});
