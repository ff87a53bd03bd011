import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "../support/child-server.js";
import { closedPort, ecsVip, hasStackTrace, newIdentity } from "./cli-process.js";

/** Commands against a real server process, signed with AK/SK from the flags, the environment or credentials.json. */
describe("ecs-vip API commands", () => {
  const identity = newIdentity();
  let dir: string;
  let server: ChildServer;
  /** Keys from the environment, as a script would give them. */
  let env: Record<string, string>;
  const cli = async (...args: string[]) => {
    const run = await ecsVip(args, { env });
    expect(hasStackTrace(run.stderr)).toBe(false);
    return run;
  };
  const json = async <T = unknown>(...args: string[]): Promise<T> => {
    const run = await cli(...args, "--json");
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-api-cli-"));
    server = await spawnServer({
      db: `sqlite:${join(dir, "data", "ecs-vip.db")}`,
      identity,
      dataDir: join(dir, "data"),
    });
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

  it("builds, binds, lists and tears down a topology", async () => {
    const vpc = await json<{ id: string; name: string; cidr: string }>(
      "vpc",
      "create",
      "vpc-1",
      "--cidr",
      "192.168.0.0/16",
    );
    expect(vpc).toMatchObject({ name: "vpc-1", cidr: "192.168.0.0/16" });
    expect(Object.keys(vpc)).toEqual(["id", "name", "cidr", "status"]);
    const subnet = await json<{ id: string; gateway_ip: string }>(
      "subnet",
      "create",
      "sub-1",
      "--vpc",
      vpc.id,
      "--cidr",
      "192.168.0.0/24",
    );
    expect(subnet.gateway_ip).toBe("192.168.0.1");
    expect((await json<{ id: string }[]>("vpc", "list")).map((v) => v.id)).toEqual([vpc.id]);
    expect((await json<{ id: string }[]>("subnet", "list", "--vpc", vpc.id)).map((s) => s.id)).toEqual([subnet.id]);

    const servers = await json<{ id: string; name: string; status: string }[]>(
      "server",
      "create",
      "web",
      "--vpc",
      vpc.id,
      "--nic",
      subnet.id,
      "--count",
      "2",
    );
    expect(servers.map((s) => s.status)).toEqual(["ACTIVE", "ACTIVE"]);
    const [a, b] = servers as unknown as [{ id: string; name: string }, { id: string; name: string }];
    const listed = await json<{ id: string; name: string; addresses: string[] }[]>("server", "list");
    expect(listed.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    const shown = await json<{ id: string; nic_port_ids: string[] }>("server", "show", a.id);
    expect(shown.id).toBe(a.id);

    const [nicA] = await json<{ port_id: string; ip_address: string; mac_address: string }[]>("nic", "list", a.id);
    const [nicB] = await json<{ port_id: string }[]>("nic", "list", b.id);
    expect(shown.nic_port_ids).toEqual([nicA?.port_id]);

    const bound = await json<{ vip_port_id: string }>(
      "vip",
      "bind",
      nicA?.port_id as string,
      "192.168.0.100",
      "--reverse",
    );
    await json("vip", "bind", nicB?.port_id as string, "192.168.0.100", "--subnet", subnet.id);
    const bindings = await json<Record<string, unknown>[]>("vip", "list");
    expect(bindings).toEqual([
      {
        ip: "192.168.0.100",
        vip_port_id: bound.vip_port_id,
        nic_port_id: nicA?.port_id,
        server_id: a.id,
        server_name: a.name,
        reverse: true,
      },
      {
        ip: "192.168.0.100",
        vip_port_id: bound.vip_port_id,
        nic_port_id: nicB?.port_id,
        server_id: b.id,
        server_name: b.name,
        reverse: false,
      },
    ]);
    const table = await cli("vip", "list");
    expect(table.stdout.split("\n")[0]).toMatch(/^ip\s+vip_port_id\s+nic_port_id\s+server_id\s+server_name\s+reverse$/);
    expect(table.stdout).toContain(a.name);

    const vipPort = await json<{ device_owner: string; allowed_address_pairs: { ip_address: string }[] }>(
      "port",
      "show",
      bound.vip_port_id,
    );
    expect(vipPort.device_owner).toBe("neutron:VIP_PORT");
    expect(vipPort.allowed_address_pairs.map((p) => p.ip_address)).toEqual([nicA?.ip_address]);
    const vipPorts = await json<{ id: string }[]>("port", "list", "--device-owner", "neutron:VIP_PORT");
    expect(vipPorts.map((p) => p.id)).toEqual([bound.vip_port_id]);
    const byIp = await json<{ id: string }[]>("port", "list", "--ip", "192.168.0.100");
    expect(byIp.map((p) => p.id)).toEqual([bound.vip_port_id]);

    expect((await cli("vip", "unbind", nicA?.port_id as string)).code).toBe(0);
    expect((await json<{ nic_port_id: string }[]>("vip", "list")).map((r) => r.nic_port_id)).toEqual([nicB?.port_id]);

    expect((await cli("server", "delete", a.id, b.id)).code).toBe(0);
    expect(await json("server", "list")).toEqual([]);
    // The VIP port still holds the address: the subnet cannot go until it does.
    const busy = await cli("subnet", "delete", subnet.id);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/^ecs-vip: VPC\.0208: .*request id [0-9a-f-]+\)$/m);
  }, 600_000);

  it("deletes a subnet, then its VPC", async () => {
    const vpc = await json<{ id: string }>("vpc", "create", "vpc-2", "--cidr", "10.1.0.0/16");
    const subnet = await json<{ id: string }>("subnet", "create", "sub-2", "--vpc", vpc.id, "--cidr", "10.1.2.0/24");
    expect(await json("subnet", "delete", subnet.id)).toEqual({ id: subnet.id, deleted: true });
    expect((await cli("vpc", "delete", vpc.id)).code).toBe(0);
    const left = await json<{ name: string }[]>("vpc", "list");
    expect(left.map((v) => v.name)).not.toContain("vpc-2");
  }, 300_000);

  it("a cloud error is exit 1 with its code and message on stderr", async () => {
    const run = await cli("vip", "bind", "no-such-nic", "10.0.0.1", "--subnet", "no-such-subnet");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ecs-vip: Ecs\.0307: .+\(HTTP 400, request id \S+\)\n$/);
    expect(run.stdout).toBe("");
  });

  it("reads the keys from --credentials or ./data/credentials.json, and flags win over the environment", async () => {
    const flags = ["--endpoint", server.url];
    const fromFile = await ecsVip(["vpc", "list", ...flags, "--credentials", join(dir, "data", "credentials.json")]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    // The first start wrote data/credentials.json: the default path, relative to the working directory.
    const fromDefault = await ecsVip(["vpc", "list", ...flags], { cwd: dir });
    expect(fromDefault.code, fromDefault.stderr).toBe(0);
    const missing = await ecsVip(["vpc", "list", ...flags], { cwd: join(dir, "data") });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "ecs-vip: no credentials file at ./data/credentials.json: give --credentials FILE, or --ak, --sk and --project-id\n",
    );
    const wrongSk = await ecsVip(["vpc", "list", "--sk", "wrong"], { env });
    expect(wrongSk.code).toBe(1);
    expect(wrongSk.stderr).toMatch(/^ecs-vip: APIGW\.0301: /);
  }, 120_000);

  it("an unreachable endpoint is one line and exit 1", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const run = await ecsVip(["vpc", "list", "--endpoint", endpoint], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ecs-vip: cannot reach ${endpoint}: connection refused (is "ecs-vip serve" running?)\n`);
  });
});
