/**
 * CPU per bind/unbind of the use case and the store alone (no HTTP), in process, for the source tree TREE: a test
 * server from TREE's own sources builds 200 one-NIC servers, then `updateNicVip` binds (reverse binding on) and
 * unbinds each NIC's own VIP in turn, 16 at a time so that SQLite commits them in groups. Prints this process's CPU
 * (user + system, all threads) per operation and, on PostgreSQL (a server URL as the third argument), the CPU of
 * the database's backends serving it (from /proc; the server must run on this machine). Run it for two trees one
 * after the other, alternating, and compare ratios:
 *
 *   node --import tsx bench/usecase-cpu.ts TREE [OPERATIONS] [POSTGRES_URL]
 */
import { resolve } from "node:path";
import pg from "pg";
import { treeCpuMicros } from "./cpu.js";

const tree = resolve(process.argv[2] ?? ".");
const operations = Number(process.argv[3] ?? 4000);
const pgUrl = process.argv[4];
const CONCURRENT = 16;
const NICS = 200;

const { startTestServer } = await import(`${tree}/test/support/server.ts`);
const { ApiClient } = await import(`${tree}/test/support/client.ts`);
const { createNetwork, createServers } = await import(`${tree}/test/support/world.ts`);
const { createDatabase } = await import(`${tree}/test/support/postgres.ts`);
const { updateNicVip } = await import(`${tree}/src/usecases/ecs/update-nic-vip.ts`);

const database = pgUrl ? await createDatabase(pgUrl, "ecs_vip_usecase_cpu_") : undefined;
const server = await startTestServer({ rateLimit: 0, db: database?.url });
try {
  const api = await ApiClient.login(server.url, server.projectId, server.password);
  const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
  const nics: { nicId: string }[] = await createServers(api, net.vpcId, net.subnetId, NICS);
  const caller = { projectId: server.projectId, userId: "bench", accountId: "bench" };
  let n = 0;
  const one = () => {
    const k = n++;
    const nic = nics[k % NICS] as { nicId: string };
    const bind = Math.floor(k / NICS) % 2 === 0;
    return updateNicVip(
      server.context,
      caller,
      nic.nicId,
      bind
        ? { kind: "bind", subnetId: net.subnetId, ipAddress: `10.0.8.${k % NICS}`, reverseBinding: true }
        : { kind: "unbind" },
    );
  };
  const run = async (count: number) => {
    for (let done = 0; done < count; done += CONCURRENT) await Promise.all(Array.from({ length: CONCURRENT }, one));
  };
  await run(6 * NICS);
  let backends: number[] = [];
  if (database) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const name = new URL(database.url).pathname.slice(1);
    const rows = await client.query("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]);
    backends = rows.rows.map((row: { pid: number }) => row.pid);
    await client.end();
  }
  const backendMicros = () => treeCpuMicros(backends);
  const backendsBefore = backendMicros();
  const before = process.cpuUsage();
  await run(operations);
  const used = process.cpuUsage(before);
  const label = `${tree}${database ? " (postgres)" : " (sqlite)"}`;
  console.log(`${label}: ${((used.user + used.system) / operations).toFixed(1)} µs CPU per bind/unbind in process`);
  if (database) {
    const perOp = (backendMicros() - backendsBefore) / operations;
    console.log(`${label}: ${perOp.toFixed(1)} µs CPU per bind/unbind in ${backends.length} PostgreSQL backends`);
  }
} finally {
  await server.dispose();
  await database?.drop();
}
