import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, spawnServer } from "../support/child-server.js";
import { ApiClient } from "../support/client.js";
import { type Formation, PG_AUTO_FAILOVER, queryNode, startFormation } from "../support/private-postgres.js";
import { requires } from "../support/requirements.js";
import { testIdentity } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";
import { BindLoad, expectCloudUnavailable, statusCounts } from "./bind-load.js";

/**
 * A failover under load with Debian's pg_auto_failover: a monitor, a primary and a synchronous standby; the server
 * runs on the formation's multi-host URL (target_session_attrs=read-write) and binds VIPs for a few clients while
 * the primary is stopped with `pg_autoctl stop --immediate`. The monitor promotes the standby (some 20 s on this
 * machine). Meanwhile every failed request must be the cloud's 503 and none may stay open past 15 s; afterwards the
 * server binds on the new primary, every bind answered 200 before, during or after is there, and the store is sound.
 */
const WORKERS = 4;
/** A request open longer than this is a hang, whatever the database does. */
const LONGEST_REQUEST_MS = 15_000;
const needs = requires(PG_AUTO_FAILOVER);

describe.skipIf(needs.skip)(needs.title("a PostgreSQL failover under load (pg_auto_failover)"), () => {
  let formation: Formation;
  let server: ChildServer | undefined;
  let dir = "";
  const identity = testIdentity();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-pg-failover-"));
    formation = await startFormation();
  }, 300_000);
  afterAll(async () => {
    await server?.kill9();
    await formation?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("loses no acknowledged bind, answers 503 meanwhile, and binds on the promoted standby", async () => {
    const [primary, standby] = formation.nodes;
    if (!primary || !standby) throw new Error("the formation has two data nodes");
    const settings = await queryNode<{ standbys: string; commit: string }>(
      primary.port,
      formation.database,
      "SELECT current_setting('synchronous_standby_names') AS standbys, current_setting('synchronous_commit') AS commit",
    );
    expect(settings.standbys, "the standby replicates synchronously").not.toBe("");
    expect(settings.commit).toBe("on");

    server = await spawnServer({ db: formation.url, identity, dataDir: dir });
    // The settings a failover needs are met: no warning at start.
    expect(server.stderr()).not.toMatch(/warning/);
    const api = await ApiClient.login(server.url, identity.projectId, identity.password);
    const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
    const nics = await createServers(api, net.vpcId, net.subnetId, WORKERS);
    const load = new BindLoad(
      api,
      net.subnetId,
      nics.map((nic) => nic.nicId),
    );

    load.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stoppedAt = Date.now();
    await formation.stopImmediate(primary);
    const stopReturnedAt = Date.now();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    const outOfRecovery = await formation.waitForPrimary(primary, { writable: false });
    const outOfRecoveryAt = Date.now();
    const promoted = await formation.waitForPrimary(primary, { writable: true });
    const promotedAt = Date.now();
    expect(outOfRecovery).toBe(standby);
    expect(promoted).toBe(standby);
    const firstBind = await load.bindSucceededAfter(promotedAt, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await load.stop();

    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect(load.outcomes.filter((each) => each.status === 0)).toEqual([]);
    expectCloudUnavailable(load.failed);
    expect(load.longestMs).toBeLessThan(LONGEST_REQUEST_MS);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await server.terminate()).code).toBe(0);
    server = undefined;

    // Every bind answered 200 left a VIP port on the new primary (read there directly, not through the URL).
    const held = await queryNode<{ ips: string[] }>(
      promoted.port,
      formation.database,
      "SELECT coalesce(array_agg(ip_address), '{}') AS ips FROM fixed_ips",
    );
    const onNewPrimary = new Set(held.ips);
    const lost = load.acknowledgedBinds.filter((vip) => !onNewPrimary.has(vip));
    expect(lost, "acknowledged binds missing on the promoted standby").toEqual([]);
    const ackedBeforeStop = load.outcomes.filter(
      (each) => each.kind === "bind" && each.status === 200 && each.ended <= stoppedAt,
    ).length;
    expect(ackedBeforeStop).toBeGreaterThan(0);
    const cli = await runCli(["check", "--db", formation.url]);
    expect(cli, cli.stderr).toMatchObject({ code: 0, stdout: "" });

    const during = load.outcomes.filter((each) => each.ended >= stoppedAt && each.started <= promotedAt);
    console.log(
      `PostgreSQL failover drill: pg_autoctl stop --immediate returned in ${stopReturnedAt - stoppedAt} ms; standby ` +
        `out of recovery ${outOfRecoveryAt - stoppedAt} ms and taking writes ${promotedAt - stoppedAt} ms after the ` +
        `stop; first bind answered 200 ${firstBind.ended - promotedAt} ms ` +
        `after the promotion; ${load.outcomes.length} requests ${JSON.stringify(statusCounts(load.outcomes))}, ` +
        `${during.length} between stop and promotion ${JSON.stringify(statusCounts(during))}; longest request ` +
        `${load.longestMs} ms; ${load.acknowledgedBinds.length} acknowledged binds (${ackedBeforeStop} before the ` +
        `stop), all on the new primary; server process up throughout`,
    );
  }, 600_000);
});
