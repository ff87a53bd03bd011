/**
 * A network grows to 100,000 ports through the API, 500 servers per request, with no 5xx: before MACs were chosen per
 * port against what the network holds, one random MAC collision failed the whole 500-port unit of work, and at some
 * tens of thousands of ports every retry collided again. Measured here: 39 s on SQLite, 127 s on PostgreSQL (where
 * the server's autovacuum is off, as on this machine, it took over 10 minutes until the store refreshed planner
 * statistics itself: cached plans from the small store scanned the grown tables). ECS_VIP_TEST_MANY_PORTS sets
 * another size. Runs on SQLite, and on PostgreSQL when ECS_VIP_TEST_PG names a server. Above 65,000 ports the subnet
 * is a /14.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QUOTAS } from "../../../src/domain/quotas/quotas.js";
import { ApiClient } from "../../support/client.js";
import { createTestDatabase, PG_SKIP_REASON, TEST_PG_URL } from "../../support/postgres.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork } from "../../support/world.js";

const PORTS = Number(process.env.ECS_VIP_TEST_MANY_PORTS ?? "100000");
const BATCH = 500;

const kinds = [
  { name: "sqlite", skip: false, open: async () => ({ db: undefined, drop: async () => {} }) },
  {
    name: `postgres${TEST_PG_URL ? "" : ` (${PG_SKIP_REASON})`}`,
    skip: !TEST_PG_URL,
    open: async () => {
      const database = await createTestDatabase();
      return { db: database.url as string | undefined, drop: database.drop };
    },
  },
];

for (const kind of kinds) {
  describe.skipIf(kind.skip)(`a network with ${PORTS} server ports on ${kind.name}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let drop: () => Promise<void> = async () => {};

    beforeAll(async () => {
      const opened = await kind.open();
      drop = opened.drop;
      server = await startTestServer({
        db: opened.db,
        buildMs: 50,
        quotas: { ...DEFAULT_QUOTAS, instances: PORTS + BATCH, cores: PORTS + BATCH, ramMb: (PORTS + BATCH) * 1024 },
      });
      api = await ApiClient.login(server.url, server.projectId, server.password);
    });
    afterAll(async () => {
      await server?.dispose();
      await drop();
    });

    it(
      "is built 500 servers at a time without a server error, every port with its own MAC",
      async () => {
        expect(Number.isInteger(PORTS) && PORTS > 0).toBe(true);
        // A /16 holds 65,533 hosts; more ports need a larger subnet (the VPC is a /8).
        const net = await createNetwork(api, PORTS > 65_000 ? "10.0.0.0/14" : "10.0.0.0/16", "10.0.0.0/8");
        let created = 0;
        while (created < PORTS) {
          const count = Math.min(BATCH, PORTS - created);
          const response = await api.call("POST", api.p("/cloudservers"), {
            server: {
              name: "bulk",
              imageRef: "image-1",
              flavorRef: "s6.small.1",
              vpcid: net.vpcId,
              nics: [{ subnet_id: net.subnetId }],
              root_volume: { volumetype: "SSD" },
              count,
            },
          });
          expect(response.status, JSON.stringify(response.body)).toBe(200);
          expect(response.body.serverIds).toHaveLength(count);
          created += count;
        }
        const ports = await server.store.read((tx) =>
          tx.ports.list({ projectId: server.projectId, deviceOwner: "compute:local-1a" }),
        );
        expect(ports).toHaveLength(PORTS);
        expect(new Set(ports.map((port) => port.networkId)).size).toBe(1);
        expect(new Set(ports.map((port) => port.macAddress)).size).toBe(PORTS);
      },
      30 * 60_000,
    );
  });
}
