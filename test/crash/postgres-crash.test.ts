import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { accepting, PRIVATE_POSTGRES, type PrivateCluster, startPrivateCluster } from "../support/private-postgres.js";
import { requires } from "../support/requirements.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";
import { BindLoad, expectCloudUnavailable, statusCounts } from "./bind-load.js";
import { inspectStore, table } from "./support.js";

/**
 * A PostgreSQL crash under load: a server process binds VIPs for a few clients on a private cluster, which is
 * stopped with `pg_ctl stop -m immediate` (no checkpoint, every connection cut, as a crash) and started again.
 * The server must stay up, answer what fails while the database is gone with the cloud's 503 (never a hang, never a
 * broken connection), say so on /readyz, bind again once PostgreSQL is back, and lose no acknowledged bind.
 */
const WORKERS = 4;
const needs = requires(PRIVATE_POSTGRES);

describe.skipIf(needs.skip)(needs.title("a PostgreSQL crash under load"), () => {
  let cluster: PrivateCluster;
  let server: ChildServer | undefined;
  let dir = "";
  const identity = testIdentity();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-pg-crash-"));
    cluster = await startPrivateCluster();
    await cluster.createDatabase("ecsvip");
  }, 180_000);
  afterAll(async () => {
    await server?.kill9();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the server up, answers 503 in the cloud's format while down, binds again after, loses nothing", async () => {
    const db = cluster.url("ecsvip");
    server = await spawnServer({ db, identity, dataDir: dir });
    const api = await ApiClient.login(server.url, identity.projectId, identity.password);
    const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
    const nics = await createServers(api, net.vpcId, net.subnetId, WORKERS);
    const load = new BindLoad(
      api,
      net.subnetId,
      nics.map((nic) => nic.nicId),
    );

    load.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const crashedAt = Date.now();
    await cluster.crash();
    const down = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const readyWhileDown = await fetch(`${server.url}/readyz`);
    expect(readyWhileDown.status).toBe(503);
    // Every service answers in its own envelope: 503, its code, Retry-After.
    const vpcs = await api.call("GET", api.p("/vpcs"));
    expect(vpcs).toMatchObject({ status: 503, body: { code: "VPC.1503", error_code: "VPC.1503" } });
    expect(vpcs.headers.get("retry-after")).toBe("1");
    const ports = await api.call("GET", "/v2.0/ports");
    expect(ports).toMatchObject({ status: 503, body: { NeutronError: { type: "HTTPServiceUnavailable" } } });
    const projects = await api.call("GET", "/v3/projects");
    expect(projects).toMatchObject({
      status: 503,
      body: { error: { code: "IAM.1503", title: "Service Unavailable" } },
    });
    expect(server.child.exitCode, server.stderr()).toBeNull();
    const restartAt = Date.now();
    const starting = cluster.start();
    // When PostgreSQL first accepts a connection (pg_ctl -w only says so on its next poll).
    while (!(await accepting(cluster.port))) await new Promise((resolve) => setTimeout(resolve, 20));
    const acceptingAt = Date.now();
    await starting;
    const firstBind = await load.bindSucceededAfter(acceptingAt, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await load.stop();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect(load.outcomes.filter((each) => each.status === 0)).toEqual([]);
    expectCloudUnavailable(load.failed);
    expect(load.failed.length).toBeGreaterThan(0);
    // A behavioural bound, not a speed target: no request may hang on a dead database.
    expect(load.longestMs).toBeLessThan(15_000);

    expect((await server.terminate()).code).toBe(0);
    server = undefined;
    const { violations, dump } = await inspectStore(db);
    expect(violations).toEqual([]);
    const held = new Set(table(dump, "fixed_ips").map((row) => String(row.ip_address)));
    const lost = load.acknowledgedBinds.filter((vip) => !held.has(vip));
    expect(lost, "acknowledged binds missing after the crash").toEqual([]);
    const cli = await runCli(["check", "--db", db]);
    expect(cli, cli.stderr).toMatchObject({ code: 0, stdout: "" });

    const requestsDuring = load.outcomes.filter((each) => each.ended >= crashedAt && each.started <= acceptingAt);
    console.log(
      `PostgreSQL crash drill: pg_ctl stop -m immediate took ${down - crashedAt} ms; down ${acceptingAt - down} ms ` +
        `(restart to accepting ${acceptingAt - restartAt} ms); first bind answered 200 ` +
        `${firstBind.ended - acceptingAt} ms after PostgreSQL accepted connections; ${load.outcomes.length} requests ` +
        `${JSON.stringify(statusCounts(load.outcomes))}, ${requestsDuring.length} during the outage ` +
        `${JSON.stringify(statusCounts(requestsDuring))}; longest request ${load.longestMs} ms; ` +
        `${load.acknowledgedBinds.length} acknowledged binds, none lost; server process up throughout`,
    );
  }, 300_000);
});
