/**
 * PostgreSQL keeps a named prepared statement per distinct statement text on every pooled connection. Id lists of
 * every length and many filter combinations must not grow that set without bound: whatever callers send, one
 * connection holds at most a fixed number of statements.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_NAMED_STATEMENTS, PostgresStore } from "../../src/store/postgres/postgres-store.js";
import type { SqlExecutor } from "../../src/store/sql/executor.js";
import type { PortFilter, Store, Tx } from "../../src/store/store.js";
import { type Caller, defaultContext } from "../../src/usecases/context.js";
import { assignPrivateIps } from "../../src/usecases/vpc/private-ips.js";
import { createSubnet } from "../../src/usecases/vpc/subnets.js";
import { createVpc } from "../../src/usecases/vpc/vpcs.js";
import { createTestDatabase, PG_SKIP_REASON, TEST_PG_URL } from "../support/postgres.js";

/** The statements prepared on the connection this unit of work runs on (the test pool has one connection). */
async function preparedOnConnection(tx: Tx): Promise<number> {
  const db = (tx as unknown as { db: SqlExecutor }).db;
  const rows = await db.all<{ count: string }>("SELECT count(*) AS count FROM pg_prepared_statements");
  return Number(rows[0]?.count);
}

describe.skipIf(!TEST_PG_URL)(`prepared statements on PostgreSQL${TEST_PG_URL ? "" : ` (${PG_SKIP_REASON})`}`, () => {
  let store: Store;
  let drop: () => Promise<void>;
  let caller: Caller;
  let networkId = "";
  let subnetId = "";
  const portIds: string[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    store = await PostgresStore.open({ url: database.url, poolSize: 1 });
    caller = { userId: randomUUID(), accountId: randomUUID(), projectId: randomBytes(16).toString("hex") };
    await store.write(async (tx) => {
      await tx.iam.insertAccount({ id: caller.accountId, name: `acct-${caller.accountId}` });
      await tx.iam.insertProject({ id: caller.projectId, accountId: caller.accountId, name: "p", description: "" });
    });
    const context = defaultContext(store);
    const vpc = await createVpc(context, caller, { name: "v", description: "", cidr: "10.0.0.0/16" });
    const subnet = await createSubnet(context, caller, {
      name: "s",
      description: "",
      cidr: "10.0.0.0/24",
      gatewayIp: "10.0.0.1",
      vpcId: vpc.id,
      dhcpEnable: true,
    });
    networkId = subnet.networkId;
    subnetId = subnet.neutronSubnetId;
    for (let round = 0; round < 3; round++) {
      const ports = await assignPrivateIps(
        context,
        caller,
        Array.from({ length: 20 }, () => ({ subnetId: subnet.id })),
      );
      portIds.push(...ports.map((port) => port.id));
    }
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  /** `length` ids: real port ids first, then ids nothing holds. */
  const idList = (length: number) =>
    Array.from({ length }, (_, i) => portIds[i] ?? `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);

  it("stays bounded after 300 list calls with different id-list lengths and filters", async () => {
    await store.read(async (tx) => {
      const start = await preparedOnConnection(tx);
      // Same filter, 100 different lengths: the length of an id list must not make new statements.
      let found = 0;
      for (let length = 1; length <= 100; length++) {
        found += (await tx.ports.list({ projectId: caller.projectId, ids: idList(length) })).length;
      }
      expect(found).toBeGreaterThan(0);
      const afterLengths = await preparedOnConnection(tx);
      expect(afterLengths - start).toBeLessThanOrEqual(6);

      // 200 more calls mixing lengths with combinations of optional filters and pages.
      for (let call = 0; call < 200; call++) {
        const filter: PortFilter = { projectId: caller.projectId, ids: idList(1 + ((call * 7) % 250)) };
        if (call & 1) filter.networkId = networkId;
        if (call & 2) filter.status = "DOWN";
        if (call & 4) filter.adminStateUp = true;
        if (call & 8) filter.fixedIpSubnetId = subnetId;
        if (call & 16) filter.page = { limit: 10, marker: call & 32 ? portIds[0] : undefined };
        await tx.ports.list(filter);
        await tx.networks.listNetworks(caller.projectId, { ids: idList(1 + (call % 40)) });
        await tx.securityGroups.listGroups(caller.projectId, { ids: idList(1 + (call % 30)) });
      }
      const end = await preparedOnConnection(tx);
      // 2^5 filter shapes (plus marker) of one list, the hydration reads, two other lists and the setup's statements.
      expect(end).toBeLessThan(120);
      expect(end).toBeLessThanOrEqual(MAX_NAMED_STATEMENTS + 1);
    });
  });
});
