/**
 * MACs never collide inside a network: a port whose first candidate MAC is already taken gets another one, in the
 * same unit of work, instead of the whole unit of work failing on the (network, MAC) constraint and being retried.
 * Runs on both stores with a random source that hands out the same MAC first, again and again.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { type Caller, defaultContext, type UseCaseContext } from "../../src/usecases/context.js";
import { assignPrivateIps } from "../../src/usecases/vpc/private-ips.js";
import { createSubnet } from "../../src/usecases/vpc/subnets.js";
import { createVpc } from "../../src/usecases/vpc/vpcs.js";
import { createTestDatabase, PG_SKIP_REASON, TEST_PG_URL } from "../support/postgres.js";

const STUCK_BYTE = 0x42;
const STUCK_MAC = "fa:16:3e:42:42:42";

/** The first `stuckCalls` bytes are all STUCK_BYTE, so every port made meanwhile starts on STUCK_MAC; then random. */
function stuckRandom(stuckCalls: number): { randomByte: () => number; calls: () => number } {
  let calls = 0;
  return {
    randomByte: () => {
      calls += 1;
      return calls <= stuckCalls ? STUCK_BYTE : (randomBytes(1)[0] ?? 0);
    },
    calls: () => calls,
  };
}

async function seedProject(store: Store): Promise<Caller> {
  const caller: Caller = { userId: randomUUID(), accountId: randomUUID(), projectId: randomBytes(16).toString("hex") };
  await store.write(async (tx) => {
    await tx.iam.insertAccount({ id: caller.accountId, name: `acct-${caller.accountId}` });
    await tx.iam.insertProject({
      id: caller.projectId,
      accountId: caller.accountId,
      name: `p-${caller.projectId}`,
      description: "",
    });
  });
  return caller;
}

const kinds: { name: string; skip: boolean; open: () => Promise<{ store: Store; drop: () => Promise<void> }> }[] = [
  {
    name: "sqlite",
    skip: false,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "ecs-vip-mac-"));
      const store = await SqliteStore.open({ path: join(dir, "store.db"), synchronous: "normal" });
      return { store, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: `postgres${TEST_PG_URL ? "" : ` (${PG_SKIP_REASON})`}`,
    skip: !TEST_PG_URL,
    open: async () => {
      const database = await createTestDatabase();
      const store = await PostgresStore.open({ url: database.url });
      return { store, drop: database.drop };
    },
  },
];

for (const kind of kinds) {
  describe.skipIf(kind.skip)(`MAC allocation on ${kind.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ store, drop } = await kind.open());
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
    });

    it("gives each port of one unit of work a distinct MAC when every first candidate collides", async () => {
      const caller = await seedProject(store);
      const random = stuckRandom(3 * 8);
      const context: UseCaseContext = { ...defaultContext(store), randomByte: random.randomByte };
      const vpc = await createVpc(context, caller, { name: "v", description: "", cidr: "10.0.0.0/16" });
      const subnet = await createSubnet(context, caller, {
        name: "s",
        description: "",
        cidr: "10.0.0.0/24",
        gatewayIp: "10.0.0.1",
        vpcId: vpc.id,
        dhcpEnable: true,
      });
      const ports = await assignPrivateIps(
        context,
        caller,
        Array.from({ length: 6 }, () => ({ subnetId: subnet.id })),
      );
      // The subnet's system ports and the first private IP wanted STUCK_MAC too; only one port may hold it.
      const stored = await store.read((tx) =>
        tx.ports.list({ projectId: caller.projectId, networkId: subnet.networkId }),
      );
      const macs = stored.map((port) => port.macAddress);
      expect(macs.length).toBeGreaterThanOrEqual(7);
      expect(new Set(macs).size).toBe(macs.length);
      expect(macs.filter((mac) => mac === STUCK_MAC)).toHaveLength(1);
      // Every returned port carries the MAC that was stored for it.
      for (const port of ports) expect(stored.find((row) => row.id === port.id)?.macAddress).toBe(port.macAddress);
      // The stuck bytes were used up, i.e. collisions really happened and were resolved by fresh candidates.
      expect(random.calls()).toBeGreaterThan(3 * 8);
    });

    it("reports whether a network holds a MAC", async () => {
      const caller = await seedProject(store);
      const context = defaultContext(store);
      const vpc = await createVpc(context, caller, { name: "v", description: "", cidr: "10.1.0.0/16" });
      const subnet = await createSubnet(context, caller, {
        name: "s",
        description: "",
        cidr: "10.1.0.0/24",
        gatewayIp: "10.1.0.1",
        vpcId: vpc.id,
        dhcpEnable: true,
      });
      const [port] = await assignPrivateIps(context, caller, [{ subnetId: subnet.id }]);
      if (!port) throw new Error("no port assigned");
      await store.read(async (tx) => {
        expect(await tx.ports.macInUse(subnet.networkId, port.macAddress)).toBe(true);
        expect(await tx.ports.macInUse(subnet.networkId, "fa:16:3e:00:00:00")).toBe(false);
        expect(await tx.ports.macInUse(randomUUID(), port.macAddress)).toBe(false);
      });
    });
  });
}
