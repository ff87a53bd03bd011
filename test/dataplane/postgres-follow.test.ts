/**
 * Several processes on one PostgreSQL database: only the one started with --dataplane netns runs the data plane, and
 * it follows binds made through the others (LISTEN/NOTIFY, with a 1 s poll as backstop) within a bounded delay.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { createTestDatabase, TEST_PG_URL } from "../support/postgres.js";
import { createNetwork, createServers } from "../support/world.js";
import { cli, identity, namespaces, rulesetOf, SKIP_REASON, SKIP_TITLE, uniquePrefix, until } from "./support.js";

const reason = SKIP_REASON ?? (TEST_PG_URL ? undefined : "needs ECS_VIP_TEST_PG");

describe.skipIf(reason !== undefined)(
  `data plane over PostgreSQL with several processes${SKIP_TITLE || (reason ? ` (skipped: ${reason})` : "")}`,
  () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    it("the data-plane process applies binds made through another process", async () => {
      const database = await createTestDatabase();
      cleanups.push(database.drop);
      const dir = mkdtempSync(join(tmpdir(), "ecs-vip-dp-pg-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const id = identity();
      const prefix = uniquePrefix();
      const start = (args: string[]) =>
        spawnServer({
          db: database.url,
          identity: id,
          dataDir: dir,
          args: ["--build-ms", "200", ...args],
          env: { ECS_VIP_DATAPLANE_PREFIX: prefix },
        });
      const wire: ChildServer = await start(["--dataplane", "netns"]);
      cleanups.push(async () => {
        await wire.terminate();
        await cli(["dataplane", "down", "--db", database.url]);
      });
      const other: ChildServer = await start([]);
      cleanups.push(() => other.terminate());
      const api = await ApiClient.login(other.url, id.projectId, id.password);

      const net = await createNetwork(api, "192.168.12.0/24");
      const [a] = await createServers(api, net.vpcId, net.subnetId, 1);
      if (!a) throw new Error("a server expected");
      await until(() => namespaces(prefix).includes(`${prefix}-srv-${a.serverId}`), 10_000);

      const delays: number[] = [];
      for (const [i, vip] of ["192.168.12.100", "192.168.12.101", "192.168.12.102"].entries()) {
        const bound = await api.call("PUT", api.p(`/cloudservers/nics/${a.nicId}`), {
          nic: { subnet_id: net.subnetId, ip_address: vip },
        });
        expect(bound.status).toBe(200);
        const answered = Date.now();
        await until(() => rulesetOf(prefix).includes(`ip saddr ${vip} accept`), 5_000, 5);
        delays.push(Date.now() - answered);
        if (i < 2) {
          await api.call("PUT", api.p(`/cloudservers/nics/${a.nicId}`), { nic: { subnet_id: "", ip_address: "" } });
        }
      }
      console.log(
        `data plane following another process (LISTEN/NOTIFY): bind response -> rules ${delays.join(", ")} ms`,
      );
      expect(delays).toHaveLength(3);
    }, 180_000);
  },
);
