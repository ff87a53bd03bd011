import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENSTACK_CLIENT, requires } from "../support/requirements.js";
import { startTestServer, type TestServer } from "../support/server.js";

const run = promisify(execFile);
const needs = requires(OPENSTACK_CLIENT);

let server: TestServer;

beforeAll(async () => {
  if (needs.skip) return;
  server = await startTestServer();
});
afterAll(async () => server?.dispose());

/** One `openstack` command against the server, as a user runs it (password auth, project by id); JSON out. */
async function openstack(...args: string[]): Promise<any> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: server.dir,
    OS_AUTH_URL: `${server.url}/v3`,
    OS_USERNAME: "admin",
    OS_PASSWORD: server.password,
    OS_USER_DOMAIN_NAME: "default",
    OS_PROJECT_ID: server.projectId,
    OS_IDENTITY_API_VERSION: "3",
  };
  const json = args[1] === "delete" ? [] : ["-f", "json"];
  try {
    const { stdout } = await run("openstack", [...args, ...json], { env, timeout: 60_000 });
    return stdout.trim() === "" ? undefined : JSON.parse(stdout);
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string };
    throw new Error(`openstack ${args.join(" ")} failed: ${failed.stderr ?? ""}${failed.stdout ?? ""}`);
  }
}

describe.skipIf(needs.skip)(needs.title("the stock openstack client, end to end"), () => {
  it("creates a network, a subnet with a pool and a port with pairs, shows it, and deletes them all", async () => {
    const network = await openstack("network", "create", "cli-net");
    expect(network).toMatchObject({ name: "cli-net", status: "ACTIVE", admin_state_up: true, subnets: [] });

    const subnet = await openstack(
      "subnet",
      "create",
      "cli-sub",
      "--network",
      "cli-net",
      "--subnet-range",
      "10.70.0.0/24",
      "--allocation-pool",
      "start=10.70.0.10,end=10.70.0.20",
      "--dns-nameserver",
      "10.70.0.53",
    );
    expect(subnet).toMatchObject({
      name: "cli-sub",
      network_id: network.id,
      cidr: "10.70.0.0/24",
      gateway_ip: "10.70.0.1",
      ip_version: 4,
    });
    expect(JSON.stringify(subnet.allocation_pools)).toContain("10.70.0.10");

    const port = await openstack(
      "port",
      "create",
      "cli-vip",
      "--network",
      "cli-net",
      "--allowed-address",
      "ip-address=10.70.0.60",
      "--allowed-address",
      "ip-address=10.70.0.0/28,mac-address=fa:16:3e:aa:bb:cc",
    );
    expect(port).toMatchObject({ name: "cli-vip", network_id: network.id, status: "DOWN" });
    // Automatic address: the pool's first.
    expect(JSON.stringify(port.fixed_ips)).toContain("10.70.0.10");
    const shown = await openstack("port", "show", "cli-vip");
    expect(shown.id).toBe(port.id);
    const pairs = JSON.stringify(shown.allowed_address_pairs);
    expect(pairs).toContain("10.70.0.60");
    expect(pairs).toContain(port.mac_address);
    expect(pairs).toContain("fa:16:3e:aa:bb:cc");

    const listed = await openstack("subnet", "list", "--network", network.id);
    expect(listed.map((row: any) => row.ID)).toEqual([subnet.id]);

    await openstack("port", "delete", "cli-vip");
    await openstack("subnet", "delete", "cli-sub");
    await openstack("network", "delete", "cli-net");
    const left = await openstack("network", "list");
    expect(left.map((row: any) => row.Name)).not.toContain("cli-net");
    const dump = await server.store.read((tx) => tx.admin.dump());
    expect(dump.networks?.some((row) => row.id === network.id)).toBe(false);
    expect(dump.ports?.some((row) => row.network_id === network.id)).toBe(false);
  }, 180_000);
});
