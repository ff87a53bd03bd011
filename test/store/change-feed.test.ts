/**
 * The change feed's contract, on both stores: which ports, servers and subnets a committed unit of work touched,
 * under a strictly increasing revision written in the same transaction, delivered to this process's subscribers
 * before the write resolves; and, on PostgreSQL, followed from another process.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Port, Server, Subnet } from "../../src/domain/model.js";
import type { Change } from "../../src/store/change-feed.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase, PG_SKIP_REASON, TEST_PG_URL } from "../support/postgres.js";

const T0 = "2024-01-01T00:00:00.000Z";
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

interface Kind {
  name: string;
  /** Why this store cannot be tested here (shown in the suite's title, its tests reported as skipped). */
  skip?: string;
  /** A fresh store, plus a way to open a second one on the same database (another process's view). */
  open(): Promise<{ store: Store; another: () => Promise<Store> }>;
}

const KINDS: Kind[] = [
  {
    name: "sqlite",
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "ecs-vip-feed-"));
      const path = join(dir, "store.db");
      const store = await SqliteStore.open({ path, synchronous: "normal" });
      cleanups.push(async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return { store, another: () => SqliteStore.open({ path, synchronous: "normal" }) };
    },
  },
  {
    name: "postgres",
    skip: TEST_PG_URL ? undefined : PG_SKIP_REASON,
    open: async () => {
      const database = await createTestDatabase();
      const store = await PostgresStore.open({ url: database.url });
      cleanups.push(async () => {
        await store.close();
        await database.drop();
      });
      return { store, another: () => PostgresStore.open({ url: database.url }) };
    },
  },
];

function world(tag = randomBytes(4).toString("hex")) {
  const projectId = `${tag}-proj`;
  const subnet: Subnet = {
    id: `${tag}-net`,
    networkId: `${tag}-net`,
    dnsList: [],
    extraDhcpOpts: [],
    allocationPools: [],
    revisionNumber: 0,
    updatedAt: T0,
    neutronSubnetId: `${tag}-nsub`,
    projectId,
    vpcId: `${tag}-vpc`,
    name: "s",
    description: "",
    cidr: "10.0.0.0/24",
    gatewayIp: "10.0.0.1",
    dhcpEnable: true,
    primaryDns: "",
    secondaryDns: "",
    availabilityZone: "local-1a",
    status: "ACTIVE",
    createdAt: T0,
  };
  const port = (name: string, ip: string, fields: Partial<Port> = {}): Port => ({
    id: `${tag}-port-${name}`,
    projectId,
    networkId: subnet.id,
    name,
    description: "",
    macAddress: `fa:16:3e:00:00:${ip.split(".")[3]?.padStart(2, "0").slice(-2)}`,
    deviceOwner: "",
    deviceId: "",
    status: "DOWN",
    adminStateUp: true,
    fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: ip }],
    allowedAddressPairs: [],
    securityGroupIds: [],
    extraDhcpOpts: [],
    bindingProfile: {},
    portSecurityEnabled: true,
    nicIndex: null,
    revisionNumber: 0,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  });
  const server: Server = {
    id: `${tag}-srv`,
    projectId,
    name: "a",
    status: "BUILD",
    vpcId: subnet.vpcId ?? "",
    flavorRef: "f",
    imageRef: "i",
    availabilityZone: "local-1a",
    rootVolumeType: "SSD",
    rootVolumeSize: 40,
    metadata: {},
    jobId: `${tag}-job`,
    keyName: "",
    description: "",
    tags: [],
    userData: null,
    schedulerHints: {},
    userId: "",
    reservationId: "",
    launchIndex: 0,
    launchedAt: null,
    createdAt: T0,
    updatedAt: T0,
  };
  return { tag, projectId, subnet, port, server };
}

async function seed(store: Store, w: ReturnType<typeof world>): Promise<void> {
  await store.write(async (tx) => {
    await tx.iam.insertAccount({ id: `${w.tag}-acct`, name: `acct-${w.tag}` });
    await tx.iam.insertProject({ id: w.projectId, accountId: `${w.tag}-acct`, name: `p-${w.tag}`, description: "" });
    await tx.networks.insertVpc({
      id: w.subnet.vpcId ?? "",
      projectId: w.projectId,
      name: "v",
      description: "",
      cidr: "10.0.0.0/16",
      status: "OK",
      createdAt: T0,
    });
    await tx.networks.insertNetwork({
      id: w.subnet.networkId,
      projectId: w.projectId,
      vpcId: w.subnet.vpcId,
      name: "s",
      description: "",
      adminStateUp: true,
      portSecurityEnabled: true,
      status: "ACTIVE",
      revisionNumber: 0,
      createdAt: T0,
      updatedAt: T0,
    });
    await tx.networks.insertSubnet(w.subnet);
  });
}

for (const kind of KINDS) {
  describe.skipIf(kind.skip !== undefined)(`change feed: ${kind.name}${kind.skip ? ` (${kind.skip})` : ""}`, () => {
    it("records what a write touched under the next revision, and delivers it before the write resolves", async () => {
      const { store } = await kind.open();
      const w = world();
      const seen: Change[] = [];
      const unsubscribe = store.changes.subscribe((change) => {
        seen.push(change);
      });
      const before = await store.changes.currentRevision();
      await seed(store, w);
      expect(seen.map((change) => change.revision)).toEqual([before + 1]);
      expect(seen[0]).toMatchObject({ ports: [], servers: [], subnets: [w.subnet.id] });

      await store.write(async (tx) => {
        await tx.compute.insertServer(w.server);
        await tx.ports.insert(
          w.port("a", "10.0.0.10", { deviceId: w.server.id, nicIndex: 0, deviceOwner: "compute:x" }),
        );
        await tx.ports.insert(w.port("b", "10.0.0.11"));
      });
      expect(seen).toHaveLength(2);
      expect(seen[1]).toMatchObject({
        revision: before + 2,
        ports: [`${w.tag}-port-a`, `${w.tag}-port-b`].sort(),
        servers: [w.server.id],
        subnets: [],
      });
      expect(await store.changes.currentRevision()).toBe(before + 2);
      expect(await store.changes.since(before)).toEqual(seen);
      unsubscribe();
      await store.write((tx) => tx.compute.updateServer({ ...w.server, status: "ACTIVE" }));
      expect(seen).toHaveLength(2);
    });

    it("records nothing for reads, writes outside the network model, and rolled-back units of work", async () => {
      const { store } = await kind.open();
      const w = world();
      await seed(store, w);
      const before = await store.changes.currentRevision();
      await store.read((tx) => tx.admin.networkState());
      await store.write((tx) => tx.admin.setMeta(`k-${w.tag}`, "v"));
      await expect(
        store.write(async (tx) => {
          await tx.ports.insert(w.port("gone", "10.0.0.20"));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.changes.currentRevision()).toBe(before);
      expect(await store.changes.since(before)).toEqual([]);
    });

    it("shows bulk deletes: a write that removes a subnet with its ports lists them all under one revision", async () => {
      const { store } = await kind.open();
      const w = world();
      await seed(store, w);
      await store.write(async (tx) => {
        await tx.ports.insert(w.port("gw", "10.0.0.1", { deviceOwner: "network:router_interface_distributed" }));
        await tx.ports.insert(w.port("dhcp", "10.0.0.254", { deviceOwner: "network:dhcp" }));
      });
      const before = await store.changes.currentRevision();
      await store.write(async (tx) => {
        await tx.ports.delete(`${w.tag}-port-gw`);
        await tx.ports.delete(`${w.tag}-port-dhcp`);
        await tx.networks.deleteSubnet(w.subnet.id);
      });
      const [change] = await store.changes.since(before);
      expect(change).toMatchObject({
        revision: before + 1,
        subnets: [w.subnet.id],
        ports: [`${w.tag}-port-dhcp`, `${w.tag}-port-gw`],
      });
      await store.write((tx) => tx.ports.delete(`${w.tag}-port-none`));
      expect((await store.changes.since(before + 1))[0]?.ports).toEqual([`${w.tag}-port-none`]);
    });

    it("gives concurrent writes distinct revisions in commit order, each delivered once and in order", async () => {
      const { store } = await kind.open();
      const w = world();
      await seed(store, w);
      const before = await store.changes.currentRevision();
      const delivered: number[] = [];
      store.changes.subscribe((change) => {
        delivered.push(change.revision);
      });
      const writers = 20;
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          store.write((tx) => tx.ports.insert(w.port(`c${i}`, `10.0.0.${100 + i}`))),
        ),
      );
      const expected = Array.from({ length: writers }, (_, i) => before + 1 + i);
      expect(delivered).toEqual(expected);
      const logged = await store.changes.since(before);
      expect(logged.map((change) => change.revision)).toEqual(expected);
      expect(new Set(logged.flatMap((change) => change.ports)).size).toBe(writers);
    });

    it("lists every project's subnets, servers and ports for the data plane", async () => {
      const { store } = await kind.open();
      const a = world();
      const b = world();
      await seed(store, a);
      await seed(store, b);
      await store.write(async (tx) => {
        await tx.compute.insertServer(a.server);
        await tx.ports.insert(
          a.port("n", "10.0.0.5", { deviceId: a.server.id, nicIndex: 0, deviceOwner: "compute:x" }),
        );
        await tx.ports.insert(
          b.port("m", "10.0.0.6", { allowedAddressPairs: [{ ipAddress: "10.0.0.0/28", macAddress: "" }] }),
        );
      });
      const state = await store.read((tx) => tx.admin.networkState());
      expect(state.subnets.map((subnet) => subnet.id)).toEqual(expect.arrayContaining([a.subnet.id, b.subnet.id]));
      expect(state.servers.map((server) => server.id)).toContain(a.server.id);
      const m = state.ports.find((port) => port.id === `${b.tag}-port-m`);
      expect(m?.allowedAddressPairs).toEqual([{ ipAddress: "10.0.0.0/28", macAddress: "" }]);
      expect(state.ports.find((port) => port.id === `${a.tag}-port-n`)?.fixedIps[0]?.ipAddress).toBe("10.0.0.5");
    });
  });
}

describe.skipIf(!TEST_PG_URL)(
  `change feed across processes: postgres${TEST_PG_URL ? "" : ` (${PG_SKIP_REASON})`}`,
  () => {
    it("delivers another process's commits to a subscriber in order, within the poll bound", async () => {
      const kind = KINDS.find((each) => each.name === "postgres") as Kind;
      const { store, another } = await kind.open();
      const follower = await another();
      cleanups.push(() => follower.close());
      const w = world();
      await seed(store, w);
      const seen: { change: Change; at: number }[] = [];
      follower.changes.subscribe((change) => {
        seen.push({ change, at: Date.now() });
      });
      await new Promise((resolve) => setTimeout(resolve, 200)); // let the LISTEN connection come up
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const committed = await store.write(async (tx) => {
          await tx.ports.insert(w.port(`x${i}`, `10.0.0.${50 + i}`));
        });
        void committed;
        const start = Date.now();
        const deadline = start + 5000;
        while (!seen.some(({ change }) => change.ports.includes(`${w.tag}-port-x${i}`)) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        delays.push(Date.now() - start);
      }
      const revisions = seen
        .filter(({ change }) => change.ports.some((port) => port.includes("-port-x")))
        .map(({ change }) => change.revision);
      expect(revisions).toHaveLength(5);
      expect([...revisions].sort((x, y) => x - y)).toEqual(revisions);
      console.log(`change feed across processes (LISTEN/NOTIFY): delays after commit ${delays.join(", ")} ms`);
    });

    it("numbers the concurrent writes of two processes once each, densely and in order, for a third that follows", async () => {
      const kind = KINDS.find((each) => each.name === "postgres") as Kind;
      const { store, another } = await kind.open();
      const [second, follower] = [await another(), await another()];
      cleanups.push(
        () => second.close(),
        () => follower.close(),
      );
      const before = await follower.changes.currentRevision();
      const seen: Change[] = [];
      follower.changes.subscribe((change) => {
        seen.push(change);
      });
      const w = world();
      await seed(store, w);
      const perProcess = 30;
      await Promise.all(
        [store, second].flatMap((writer, p) =>
          Array.from({ length: perProcess }, (_, i) =>
            writer.write((tx) => tx.ports.insert(w.port(`p${p}-${i}`, `10.0.0.${100 + p * perProcess + i}`))),
          ),
        ),
      );
      // The seed's change, then the 60 writes'.
      const written = 1 + 2 * perProcess;
      const deadline = Date.now() + 10_000;
      while (seen.length < written && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen.map((change) => change.revision)).toEqual(Array.from({ length: written }, (_, i) => before + 1 + i));
      expect(new Set(seen.flatMap((change) => change.ports)).size).toBe(2 * perProcess);
      expect((await follower.changes.since(before)).map((change) => change.revision)).toEqual(
        seen.map((change) => change.revision),
      );
    });

    it("keeps the queue of changes short in a process no one follows, and numbers what it holds on demand", async () => {
      const database = await createTestDatabase();
      const store = await PostgresStore.open({ url: database.url });
      cleanups.push(async () => {
        await store.close();
        await database.drop();
      });
      const w = world();
      await seed(store, w);
      const queued = async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          return Number((await client.query("SELECT count(*) AS n FROM change_queue")).rows[0].n);
        } finally {
          await client.end();
        }
      };
      const writes = 520;
      const port = w.port("q", "10.0.0.99");
      await store.write((tx) => tx.ports.insert(port));
      for (let i = 0; i < writes; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            store.write((tx) => tx.ports.update({ ...port, name: `q${i + j}`, revisionNumber: i + j + 1 })),
          ),
        );
      }
      // 522 commits (the seed, the insert, 520 updates). The 500th starts a sequencing run in the background, which
      // numbers at least the 500 committed by then: at most 22 stay queued.
      const left = writes + 2 - 500;
      const deadline = Date.now() + 10_000;
      while ((await queued()) > left && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await queued()).toBeLessThanOrEqual(left);
      // Reading the feed numbers the rest first: every write is there once, in order.
      const changes = await store.changes.since(0, 2000);
      expect(await queued()).toBe(0);
      // The seed, the port's insert and its 520 updates.
      expect(changes.filter((change) => change.ports.includes(port.id))).toHaveLength(writes + 1);
      expect(changes.map((change) => change.revision)).toEqual(changes.map((_, i) => i + 1));
    });
  },
);
