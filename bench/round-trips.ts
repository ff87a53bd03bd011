/**
 * Store statements (round trips on PostgreSQL, BEGIN and COMMIT included) per single operation, counted in-process
 * with the executors' counter: bind (new VIP port), unbind, bind again (the VIP port exists), automatic private-IP
 * assignment and a one-NIC server create. Each figure is the mean over REPEAT operations on distinct NICs (the job
 * loop's polling may add a statement now and then; the means are rounded to tenths).
 *
 *   node --import tsx bench/round-trips.ts [--pg URL]
 */
import { storeStatements } from "../src/store/sql/executor.js";
import { ApiClient } from "../test/support/client.js";
import { createDatabase } from "../test/support/postgres.js";
import { startTestServer } from "../test/support/server.js";
import { createNetwork, createServers } from "../test/support/world.js";

export interface RoundTrip {
  store: "sqlite" | "postgres";
  operation: string;
  statements: number;
}

const REPEAT = 10;

async function countOn(store: RoundTrip["store"], db: string | undefined): Promise<RoundTrip[]> {
  const server = await startTestServer({ db, rateLimit: 0 });
  try {
    const api = await ApiClient.login(server.url, server.projectId, server.password);
    const net = await createNetwork(api, "10.0.0.0/24", "10.0.0.0/16");
    const nics = await createServers(api, net.vpcId, net.subnetId, REPEAT);
    const out: RoundTrip[] = [];
    const mean = async (operation: string, work: (index: number) => Promise<number>) => {
      const before = storeStatements.count;
      for (let index = 0; index < REPEAT; index++) {
        const status = await work(index);
        if (status !== 200) throw new Error(`${operation}: HTTP ${status}`);
      }
      out.push({ store, operation, statements: Math.round(((storeStatements.count - before) / REPEAT) * 10) / 10 });
    };
    const nicPath = (index: number) => api.p(`/cloudservers/nics/${nics[index]?.nicId}`);
    const bind = (index: number) =>
      api.call("PUT", nicPath(index), {
        nic: { subnet_id: net.subnetId, ip_address: `10.0.0.${200 + index}`, reverse_binding: true },
      });
    const unbind = (index: number) => api.call("PUT", nicPath(index), { nic: { subnet_id: "", ip_address: "" } });
    await mean("bind (creates the VIP port)", async (index) => (await bind(index)).status);
    await mean("unbind", async (index) => (await unbind(index)).status);
    await mean("bind (VIP port exists)", async (index) => (await bind(index)).status);
    await mean(
      "private IP assign (automatic)",
      async () => (await api.call("POST", api.p("/privateips"), { privateips: [{ subnet_id: net.subnetId }] })).status,
    );
    await mean(
      "server create (1 NIC)",
      async () =>
        (
          await api.call("POST", api.p("/cloudservers"), {
            server: {
              name: "rt",
              imageRef: "image-1",
              flavorRef: "s6.small.1",
              vpcid: net.vpcId,
              nics: [{ subnet_id: net.subnetId }],
              root_volume: { volumetype: "SSD" },
              count: 1,
            },
          })
        ).status,
    );
    return out;
  } finally {
    await server.dispose();
  }
}

/** Round trips per operation on SQLite, and on PostgreSQL when `pgUrl` names a server. */
export async function roundTrips(pgUrl: string): Promise<RoundTrip[]> {
  const out = await countOn("sqlite", undefined);
  if (pgUrl) {
    const database = await createDatabase(pgUrl, "ecs_vip_bench_");
    try {
      out.push(...(await countOn("postgres", database.url)));
    } finally {
      await database.drop();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--pg");
  const url =
    at >= 0 ? (process.argv[at + 1] ?? "") : (process.env.ECS_VIP_BENCH_PG ?? process.env.ECS_VIP_TEST_PG ?? "");
  roundTrips(url)
    .then((rows) => console.table(rows))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
