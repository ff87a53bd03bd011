/**
 * Several real ecs-vip processes on one PostgreSQL database, started together (advisory-lock migration and bootstrap
 * race) and driven concurrently over HTTP: the guarantees of the single-process store must hold across processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/sql/migrations.js";
import { type ChildServer, spawnServer } from "../support/child-server.js";
import { ApiClient, type ApiResponse } from "../support/client.js";
import { createTestDatabase, NEEDS_PG } from "../support/postgres.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

const PROCESSES = 3;

/** SIGTERM, SIGKILL if it still runs after 5 s, and in both cases wait for the exit. */
async function stopChild(child: ChildServer): Promise<void> {
  await child.terminate(5_000).catch(() => child.exited);
}

/** Everything the process wrote, on either stream. */
const output = (child: ChildServer) => child.stdout() + child.stderr();

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Every response of a burst is a deliberate answer: no 5xx, and each error carries a cloud error code. */
function expectNo5xx(responses: ApiResponse[]): void {
  const failures = responses.filter((response) => response.status >= 500);
  expect(failures.map((response) => ({ status: response.status, body: response.body }))).toEqual([]);
}

describe.skipIf(NEEDS_PG.skip)(NEEDS_PG.title(`${PROCESSES} server processes on one PostgreSQL database`), () => {
  const identity = testIdentity();
  const children: ChildServer[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let sql: pg.Client;
  /** One client per process, all with the token process 0 issued. */
  let apis: ApiClient[];
  let net: Awaited<ReturnType<typeof createNetwork>>;

  const api = (i: number) => apis[i % apis.length] as ApiClient;
  const bind = (client: ApiClient, nicId: string, nic: Record<string, unknown>) =>
    client.call("PUT", client.p(`/cloudservers/nics/${nicId}`), { nic });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "ecs-vip-multiprocess-"));
    // All at once: they race for the migration lock and for the bootstrap of the shared identity.
    const started = await Promise.allSettled(
      Array.from({ length: PROCESSES }, () =>
        spawnServer({ db: database.url, identity, dataDir, startTimeoutMs: 30_000 }),
      ),
    );
    for (const result of started) if (result.status === "fulfilled") children.push(result.value);
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;

    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    const { token } = await ApiClient.login(children[0]!.url, identity.projectId, identity.password);
    apis = children.map((child) => new ApiClient(child.url, identity.projectId, token));
    net = await createNetwork(api(0));
  });

  // After every test (not as a last test that would pass trivially when run alone or first): no request exhausted
  // its retries, no process logged an unexpected failure, and every process still runs.
  afterEach(() => {
    for (const child of children) {
      expect(output(child)).not.toMatch(/kept conflicting|unexpected failure/);
      expect(child.child.exitCode).toBeNull();
    }
  });

  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    await sql?.end().catch(() => undefined);
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("migrates once and bootstraps one identity when the processes start together", async () => {
    const versions = await sql.query("SELECT version FROM schema_migrations ORDER BY version");
    expect(versions.rows.map((row: { version: number }) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await sql.query("SELECT COUNT(*)::int AS n FROM accounts")).rows[0].n).toBe(1);
    expect((await sql.query("SELECT COUNT(*)::int AS n FROM projects")).rows[0].n).toBe(1);
    expect((await sql.query("SELECT COUNT(*)::int AS n FROM meta WHERE key = 'token_secret'")).rows[0].n).toBe(1);
    // The token process 0 issued works on every process, and each process also issues its own.
    for (const [i, child] of children.entries()) {
      expect((await api(i).call("GET", api(i).p("/vpcs"))).status).toBe(200);
      const own = await ApiClient.login(child.url, identity.projectId, identity.password);
      expect((await own.call("GET", own.p(`/vpcs/${net.vpcId}`))).status).toBe(200);
    }
  });

  it("64 concurrent binds of one new IP to 64 NICs create exactly one VIP port, each NIC paired once", async () => {
    const nics = await createServers(api(0), net.vpcId, net.subnetId, 64);
    const vipIp = "192.168.0.200";
    const responses = await Promise.all(
      nics.map((nic, i) => bind(api(i), nic.nicId, { subnet_id: net.subnetId, ip_address: vipIp })),
    );
    expectNo5xx(responses);
    expect(responses.map((response) => response.status)).toEqual(nics.map(() => 200));
    expect(responses.map((response) => response.body.port_id)).toEqual(nics.map((nic) => nic.nicId));

    const holders = (await api(1).call("GET", `/v2.0/ports?fixed_ips=ip_address=${vipIp}`)).body.ports;
    expect(holders).toHaveLength(1);
    expect(holders[0].device_owner).toBe("neutron:VIP_PORT");
    expect(holders[0].network_id).toBe(net.subnetId);
    const rows = await sql.query("SELECT COUNT(*)::int AS n FROM fixed_ips WHERE network_id = $1 AND ip_address = $2", [
      net.subnetId,
      vipIp,
    ]);
    expect(rows.rows[0].n).toBe(1);

    for (const [i, nic] of nics.entries()) {
      const port = (await api(i).call("GET", `/v2.0/ports/${nic.nicId}`)).body.port;
      expect(port.allowed_address_pairs).toEqual([{ ip_address: vipIp, mac_address: nic.mac }]);
    }
  });

  it("concurrent binds of 10 different VIPs to one NIC all land, with their reverse pairs", async () => {
    const [nic] = await createServers(api(0), net.vpcId, net.subnetId, 1);
    if (!nic) throw new Error("no NIC");
    const vips = Array.from({ length: 10 }, (_, i) => `192.168.0.${210 + i}`);
    const responses = await Promise.all(
      vips.map((ip, i) => bind(api(i), nic.nicId, { subnet_id: net.subnetId, ip_address: ip, reverse_binding: true })),
    );
    expectNo5xx(responses);
    expect(responses.map((response) => response.status)).toEqual(vips.map(() => 200));

    const port = (await api(2).call("GET", `/v2.0/ports/${nic.nicId}`)).body.port;
    const pairs = port.allowed_address_pairs as { ip_address: string; mac_address: string }[];
    expect(pairs.map((pair) => pair.ip_address).sort()).toEqual([...vips].sort());
    expect(new Set(pairs.map((pair) => pair.mac_address))).toEqual(new Set([nic.mac]));
    for (const ip of vips) {
      const [vip] = (await api(0).call("GET", `/v2.0/ports?fixed_ips=ip_address=${ip}`)).body.ports;
      expect(vip.device_owner).toBe("neutron:VIP_PORT");
      expect(vip.allowed_address_pairs).toEqual([{ ip_address: nic.ip, mac_address: nic.mac }]);
    }
  });

  it("concurrent automatic private-IP assignment in a /28 hands out each free address once; the rest get VPC.0703", async () => {
    const created = await api(0).call("POST", api(0).p("/subnets"), {
      subnet: { name: "small", cidr: "192.168.1.0/28", gateway_ip: "192.168.1.1", vpc_id: net.vpcId },
    });
    expect(created.status).toBe(200);
    const subnetId = created.body.subnet.id as string;
    const used = new Set<string>(
      ((await api(0).call("GET", `/v2.0/ports?network_id=${subnetId}`)).body.ports as any[]).flatMap((port) =>
        port.fixed_ips.map((ip: { ip_address: string }) => ip.ip_address),
      ),
    );
    const network = ipToInt("192.168.1.0");
    const free = new Set<string>();
    for (let n = network + 2; n < network + 15; n++) if (!used.has(intToIp(n))) free.add(intToIp(n));
    expect(free.size).toBeGreaterThan(0);

    const requests = 2 * free.size;
    const responses = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        api(i).call("POST", api(i).p("/privateips"), { privateips: [{ subnet_id: subnetId }] }),
      ),
    );
    expectNo5xx(responses);
    const granted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status !== 200);
    const addresses = granted.map((response) => response.body.privateips[0].ip_address as string);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) expect(free.has(address)).toBe(true);
    expect(addresses.length).toBe(free.size);
    expect(refused.length).toBe(requests - free.size);
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body.code).toBe("VPC.0703");
    }
    const rows = await sql.query("SELECT COUNT(*)::int AS n FROM fixed_ips WHERE network_id = $1", [subnetId]);
    expect(rows.rows[0].n).toBe(used.size + free.size);
  });

  it("binding with reverse_binding while the servers are deleted leaves no VIP pair of a deleted NIC", async () => {
    for (let round = 0; round < 3; round++) {
      const nics = await createServers(api(0), net.vpcId, net.subnetId, 12);
      const vipIp = (i: number) => `192.168.0.${230 + (i % 3) + round * 3}`;
      const responses = await Promise.all(
        nics.flatMap((nic, i) => [
          bind(api(i), nic.nicId, { subnet_id: net.subnetId, ip_address: vipIp(i), reverse_binding: true }),
          api(i + 1).call("POST", api(i + 1).p("/cloudservers/delete"), { servers: [{ id: nic.serverId }] }),
        ]),
      );
      expectNo5xx(responses);
      for (const [i, response] of responses.entries()) {
        if (i % 2 === 1) expect(response.status).toBe(200);
        // The bind either landed before the delete, or found its NIC or server gone.
        else expect([200, 400, 404]).toContain(response.status);
      }
      const dangling = await sql.query(
        `SELECT v.id, ap.ip_address, ap.mac_address FROM address_pairs ap JOIN ports v ON v.id = ap.port_id
         WHERE v.device_owner = 'neutron:VIP_PORT' AND NOT EXISTS (
           SELECT 1 FROM ports n JOIN fixed_ips f ON f.port_id = n.id
           WHERE n.mac_address = ap.mac_address AND f.ip_address = ap.ip_address)`,
      );
      expect(dangling.rows).toEqual([]);
      const leftover = await sql.query("SELECT COUNT(*)::int AS n FROM ports WHERE device_id = ANY($1)", [
        nics.map((nic) => nic.serverId),
      ]);
      expect(leftover.rows[0].n).toBe(0);
    }
  });
});
