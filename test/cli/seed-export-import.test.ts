import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { type ChildServer, spawnServer } from "../support/child-server.js";
import { ecsVip, newIdentity } from "./cli-process.js";

const SEED = `
vpcs:
  - name: vpc-1
    cidr: 192.168.0.0/16
    subnets:
      - { name: sub-1, cidr: 192.168.0.0/24, gateway_ip: 192.168.0.1 }
      - { name: sub-2, cidr: 192.168.1.0/24 }
servers:
  - name: web
    vpc: vpc-1
    count: 2
    nics: [{ subnet: sub-1 }, { subnet: sub-2 }]
  - name: db
    vpc: vpc-1
    nics: [{ subnet: sub-1, ip_address: 192.168.0.50 }]
vips:
  - { ip: 192.168.0.100, subnet: sub-1, servers: [web-1, web-2], reverse_binding: true }
  - { ip: 192.168.0.101, subnet: sub-1, servers: [db] }
`;

/** The tables that hold a project's resources (identity tables differ between two bootstraps by design). */
const RESOURCE_TABLES = ["vpcs", "subnets", "ports", "fixed_ips", "address_pairs", "servers", "jobs"];

async function resourceDump(db: string) {
  const store = await openStore(db, { migrate: false, mustExist: true });
  try {
    const dump = await store.read((tx) => tx.admin.dump());
    return Object.fromEntries(RESOURCE_TABLES.map((table) => [table, dump[table]]));
  } finally {
    await store.close();
  }
}

describe("ecs-vip seed, export and import", () => {
  const identity = newIdentity();
  let dir: string;
  let server: ChildServer;
  let env: Record<string, string>;
  const db = () => `sqlite:${join(dir, "a", "ecs-vip.db")}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-seed-"));
    mkdirSync(join(dir, "a"));
    writeFileSync(join(dir, "topology.yaml"), SEED);
    server = await spawnServer({ db: db(), identity, dataDir: join(dir, "a") });
    env = {
      ECS_VIP_ENDPOINT: server.url,
      ECS_VIP_AK: identity.accessKey,
      ECS_VIP_SK: identity.secretKey,
      ECS_VIP_PROJECT_ID: identity.projectId,
    };
  });
  afterAll(async () => {
    await server?.terminate();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seed builds the file's topology once; a second run changes nothing", async () => {
    // A server of its own: the export test seeds the same file into the shared one, in whichever order they run.
    const own = newIdentity();
    mkdirSync(join(dir, "seed"));
    const ownDb = `sqlite:${join(dir, "seed", "ecs-vip.db")}`;
    const seedServer = await spawnServer({ db: ownDb, identity: own, dataDir: join(dir, "seed") });
    try {
      await seedTwice(ownDb, {
        ECS_VIP_ENDPOINT: seedServer.url,
        ECS_VIP_AK: own.accessKey,
        ECS_VIP_SK: own.secretKey,
        ECS_VIP_PROJECT_ID: own.projectId,
      });
    } finally {
      await seedServer.terminate();
    }
  }, 300_000);

  async function seedTwice(db: string, env: Record<string, string>) {
    const first = await ecsVip(["seed", join(dir, "topology.yaml"), "--json"], { env });
    expect(first.code, first.stderr).toBe(0);
    const steps = JSON.parse(first.stdout) as { kind: string; name: string; action: string }[];
    expect(steps.map((s) => `${s.kind} ${s.name} ${s.action}`)).toEqual([
      "vpc vpc-1 created",
      "subnet sub-1 created",
      "subnet sub-2 created",
      "server web-1 created",
      "server web-2 created",
      "server db created",
      "binding 192.168.0.100 web-1 created",
      "binding 192.168.0.100 web-2 created",
      "binding 192.168.0.101 db created",
    ]);
    // No progress bar when stderr is not a terminal.
    expect(first.stderr).toBe("");
    const bindings = JSON.parse((await ecsVip(["vip", "list", "--json"], { env })).stdout) as Record<string, unknown>[];
    expect(bindings.map((b) => `${b.ip} ${b.server_name} ${b.reverse}`)).toEqual([
      "192.168.0.100 web-1 true",
      "192.168.0.100 web-2 true",
      "192.168.0.101 db false",
    ]);

    const before = await ecsVip(["export", "--db", db]);
    expect(before.code, before.stderr).toBe(0);
    const second = await ecsVip(["seed", join(dir, "topology.yaml"), "--json"], { env });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as { action: string }[]).map((s) => s.action)).toEqual(
      Array(9).fill("unchanged"),
    );
    const after = await ecsVip(["export", "--db", db]);
    expect(after.stdout).toBe(before.stdout);
  }

  it("a broken seed file is named by its place and changes nothing", async () => {
    writeFileSync(
      join(dir, "bad.yaml"),
      "vpcs:\n  - name: x\n    cidr: 10.0.0.0/16\nservers:\n  - { name: s, vpc: x, count: 0, nics: [] }\n",
    );
    const run = await ecsVip(["seed", join(dir, "bad.yaml")], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("ecs-vip: seed file: servers[0].count: must be a positive integer\n");
  });

  it("export then import into an empty store gives the same state, and check finds it clean", async () => {
    // Seeding is idempotent: whichever test ran first, the store holds the file's topology after this.
    const seeded = await ecsVip(["seed", join(dir, "topology.yaml")], { env });
    expect(seeded.code, seeded.stderr).toBe(0);
    const exported = await ecsVip(["export", "--db", db(), "--project", identity.projectId]);
    expect(exported.code, exported.stderr).toBe(0);
    const state = JSON.parse(exported.stdout);
    expect(state.servers).toHaveLength(3);
    writeFileSync(join(dir, "state.json"), exported.stdout);

    // An empty store: a fresh server's first start bootstraps the same project (other keys), then stops.
    const emptyDb = `sqlite:${join(dir, "b", "ecs-vip.db")}`;
    const otherKeys = { ...newIdentity(), projectId: identity.projectId };
    const empty = await spawnServer({ db: emptyDb, identity: otherKeys, dataDir: join(dir, "b") });
    expect((await empty.terminate()).code).toBe(0);

    // A store whose project of that name has another id is refused with the way out, and left as it was.
    const otherDb = `sqlite:${join(dir, "c", "ecs-vip.db")}`;
    const other = await spawnServer({ db: otherDb, identity: newIdentity(), dataDir: join(dir, "c") });
    expect((await other.terminate()).code).toBe(0);
    const refused = await ecsVip(["import", join(dir, "state.json"), "--db", otherDb]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`ECS_VIP_BOOTSTRAP_PROJECT_ID=${identity.projectId}`);
    expect((await resourceDump(otherDb)).vpcs).toEqual([]);

    const imported = await ecsVip(["import", join(dir, "state.json"), "--db", emptyDb]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("3 servers");

    expect(await resourceDump(emptyDb)).toEqual(await resourceDump(db()));
    const check = await ecsVip(["check", "--db", emptyDb]);
    expect(check.code, check.stdout).toBe(0);
    const again = await ecsVip(["export", "--db", emptyDb, "--project", identity.projectId]);
    expect(again.stdout).toBe(exported.stdout);

    // A second import would mix two states: refused whole.
    const twice = await ecsVip(["import", join(dir, "state.json"), "--db", emptyDb]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^ecs-vip: vpc \S+ already exists in the store: import into an empty project\n$/);
    expect(await resourceDump(emptyDb)).toEqual(await resourceDump(db()));
  }, 300_000);
});
