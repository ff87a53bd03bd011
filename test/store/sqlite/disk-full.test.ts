import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/child-server.js";
import { ApiClient, type ApiResponse } from "../../support/client.js";
import { ROOT, requires } from "../../support/requirements.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

/**
 * SQLite on a full disk: a small tmpfs (mounted here, so root only) holds the database; a filler file takes the
 * rest of its space. Writes must then fail as the cloud's 503 in each service's envelope, with Retry-After, while
 * reads go on; once the filler is gone writes work again, nothing acknowledged is missing and the store is sound.
 */
const needs = requires(ROOT);

/** Fills the file system `dir` is on, down to the last block; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  try {
    for (const size of [1 << 20, 1 << 12]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Sends `request` until it is refused (at most `times`); every answer before that must be a success. */
async function untilRefused(times: number, request: (n: number) => Promise<ApiResponse>): Promise<ApiResponse> {
  for (let n = 0; n < times; n++) {
    const response = await request(n);
    if (response.status >= 300) return response;
  }
  throw new Error(`still accepted after ${times} writes on a full disk`);
}

describe.skipIf(needs.skip)(needs.title("SQLite on a full disk"), () => {
  let dir = "";
  let server: TestServer;
  let api: ApiClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-disk-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", dir]);
    server = await startTestServer({ db: `sqlite:${join(dir, "ecs-vip.db")}`, dir });
    api = await ApiClient.login(server.url, server.projectId, server.password);
  }, 60_000);
  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    if (!dir) return;
    execFileSync("umount", ["-l", dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses writes with the cloud's 503 while reads go on, and writes again once there is space", async () => {
    const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
    const [nic] = await createServers(api, net.vpcId, net.subnetId, 1);
    if (!nic) throw new Error("no NIC");
    const nicPath = api.p(`/cloudservers/nics/${nic.nicId}`);
    const bind = (vip: string) => api.call("PUT", nicPath, { nic: { subnet_id: net.subnetId, ip_address: vip } });
    const unbind = () => api.call("PUT", nicPath, { nic: { subnet_id: "", ip_address: "" } });
    expect((await bind("10.0.4.1")).status).toBe(200);
    expect((await unbind()).status).toBe(200);

    const filler = fill(dir);
    const acknowledged = ["10.0.4.1"];
    const refusedBind = await untilRefused(500, async (n) => {
      const vip = `10.0.${5 + Math.floor(n / 250)}.${1 + (n % 250)}`;
      const response = await bind(vip);
      if (response.status !== 200) return response;
      acknowledged.push(vip);
      // The disk may fill up between the bind and its unbind: then the unbind is the first write refused.
      return unbind();
    });
    expect(refusedBind.status).toBe(503);
    expect(refusedBind.headers.get("retry-after")).toBe("1");
    expect(refusedBind.body).toEqual({ error: { code: "Common.1503", message: expect.any(String) } });

    const refusedVpc = await untilRefused(20, (n) =>
      api.call("POST", api.p("/vpcs"), { vpc: { name: `full-${n}`, cidr: "172.16.0.0/16" } }),
    );
    expect(refusedVpc.status).toBe(503);
    expect(refusedVpc.body).toMatchObject({ code: "VPC.1503", error_code: "VPC.1503" });
    const refusedNetwork = await untilRefused(20, (n) =>
      api.call("POST", "/v2.0/networks", { network: { name: `full-${n}` } }),
    );
    expect(refusedNetwork.status).toBe(503);
    expect(refusedNetwork.body).toMatchObject({ NeutronError: { type: "HTTPServiceUnavailable" } });

    // Reads go on.
    const nics = await api.call("GET", api.p(`/cloudservers/${nic.serverId}/os-interface`));
    expect(nics.status).toBe(200);
    expect((await api.call("GET", api.p("/vpcs"))).status).toBe(200);
    expect((await api.call("GET", "/v2.0/ports")).status).toBe(200);

    unlinkSync(filler);
    const again = await bind("10.0.15.1");
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    acknowledged.push("10.0.15.1");

    const ports = await api.call("GET", `/v2.0/ports?network_id=${net.subnetId}`);
    const held = new Set(ports.body.ports.flatMap((port: any) => port.fixed_ips.map((ip: any) => ip.ip_address)));
    expect(acknowledged.filter((vip) => !held.has(vip))).toEqual([]);
    await server.stop();
    const check = await runCli(["check", "--db", `sqlite:${join(dir, "ecs-vip.db")}`]);
    expect(check, check.stderr).toMatchObject({ code: 0, stdout: "" });
    console.log(
      `SQLite on a full disk: ${acknowledged.length - 2} binds still fitted after the filler, then 503 Common.1503; ` +
        "VPC.1503 and HTTPServiceUnavailable for VPC and Neutron writes; reads answered; writes again once freed",
    );
  }, 120_000);
});
