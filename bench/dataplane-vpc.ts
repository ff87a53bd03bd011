/**
 * The VPC data plane at size (issue 17's targets), on one machine, as ratios in one run. Needs root, iproute2,
 * nftables, procps and keepalived. Not part of `npm test`; prints, asserts nothing.
 *
 *   node --import tsx bench/dataplane-vpc.ts [--runs 3] [--binds 40] [--mid 500] [--size 1000]
 *
 * - sequential bind latency (median of --binds binds) with 10 and with --mid (500) live servers, data plane on and off
 *   (two servers side by side, SQLite, synchronous=normal);
 * - EIP fail-over: an EIP on a keepalived VIP, the master's keepalived killed (SIGKILL), until the internet
 *   namespace gets its answers from the backup;
 * - restart after `kill -9` of the server holding --size live servers: spawn until it serves (it reconciles the
 *   whole wire before it listens), then whether `dataplane sync` right after finds nothing to change.
 * Each figure is taken --runs times and printed as min / median / max.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identity as newIdentity, startDataplaneServer, uniquePrefix, until } from "../test/dataplane/support.js";
import {
  answerOf,
  eip,
  Groups,
  keepalivedConfig,
  listen,
  listening,
  pidOf,
  serversIn,
  startKeepalived,
} from "../test/dataplane/vpc-support.js";
import { type ChildServer, runCli, spawnServer } from "../test/support/child-server.js";
import { ApiClient } from "../test/support/client.js";
import { Topology } from "../test/support/topology.js";
import { createNetwork } from "../test/support/world.js";
import { treeCpuMicros } from "./cpu.js";
import { option } from "./support.js";

const RUNS = Number(option("runs", "3"));
const BINDS = Number(option("binds", "40"));
const SIZE = Number(option("size", "1000"));
/** The larger fleet of the bind-latency comparison (the smaller one is 10). */
const MID = Number(option("mid", "500"));
const MOST = Math.max(SIZE, MID) + 100;
/** Which parts to run (all three for the figures; fewer while iterating): binds, eip, restart. */
const PARTS = new Set(option("parts", "binds,eip,restart").split(","));
/** Print where a pass's milliseconds go (the server's ECS_VIP_DATAPLANE_TRACE lines), per bind-latency run. */
const TRACE = process.argv.includes("--trace");
const TRACE_TAG = "ecs-vip data plane pass: ";
/** A directory for a CPU profile of the data-plane server (`node --cpu-prof`), written when it stops. */
const CPU_PROF = option("cpu-prof", "");
const QUOTAS = { ECS_VIP_QUOTA_INSTANCES: String(MOST), ECS_VIP_QUOTA_CORES: String(MOST * 4) };

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
const spread = (values: number[], unit = "ms") => {
  const sorted = [...values].sort((x, y) => x - y);
  const f = (v: number | undefined) => (v ?? 0).toFixed(1);
  return `${f(sorted[0])} / ${f(median(values))} / ${f(sorted.at(-1))} ${unit}`;
};

interface Fleet {
  api: ApiClient;
  vpcId: string;
  subnetId: string;
  nicId: string;
  servers: number;
}

async function fleet(api: ApiClient): Promise<Fleet> {
  const net = await createNetwork(api, "10.0.0.0/20", "10.0.0.0/16");
  const topology = new Topology(api, api.projectId);
  const { serverIds } = await topology.activeServers({ vpcId: net.vpcId, subnetIds: [net.subnetId], count: 1 });
  const [nic] = await topology.nicsOf(serverIds[0] as string);
  if (!nic) throw new Error("no NIC");
  return { api, vpcId: net.vpcId, subnetId: net.subnetId, nicId: nic.nicId, servers: 1 };
}

async function grow(f: Fleet, to: number): Promise<void> {
  const topology = new Topology(f.api, f.api.projectId);
  while (f.servers < to) {
    const count = Math.min(100, to - f.servers);
    await topology.activeServers({ vpcId: f.vpcId, subnetIds: [f.subnetId], count });
    f.servers += count;
  }
}

/** CPU (ms) a process tree has used (bench/cpu.ts): the data-plane server's includes its `nft -i`. */
function treeCpuMs(pid: number | undefined): number {
  return pid === undefined ? 0 : treeCpuMicros([pid]) / 1000;
}

/** CPU (ms) the server's process tree spent per bind + unbind, over `work`'s binds, into `into`. */
async function withCpu<T>(server: ChildServer, into: number[] | undefined, work: () => Promise<T>): Promise<T> {
  const before = treeCpuMs(server.child.pid);
  const result = await work();
  into?.push((treeCpuMs(server.child.pid) - before) / BINDS);
  return result;
}

/**
 * After growing: the last servers' jobs complete (and their namespaces are built) a little after the API says so;
 * one untimed run of binds on each lets that finish before anything is measured.
 */
async function settle(...fleets: Fleet[]): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  for (const f of fleets) await bindLatency(f);
}

/** Median latency of sequential binds of one VIP to one NIC (each followed by an unbind, not timed). */
async function bindLatency(f: Fleet): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < BINDS; i++) {
    const start = performance.now();
    const bind = await f.api.call("PUT", f.api.p(`/cloudservers/nics/${f.nicId}`), {
      nic: { subnet_id: f.subnetId, ip_address: "10.0.15.200" },
    });
    times.push(performance.now() - start);
    if (bind.status !== 200) throw new Error(`bind: ${bind.status} ${JSON.stringify(bind.body)}`);
    await f.api.call("PUT", f.api.p(`/cloudservers/nics/${f.nicId}`), { nic: { subnet_id: "", ip_address: "" } });
  }
  return median(times);
}

/** With --trace: the median of each phase of the data plane's passes during `work`, from the server's stderr. */
async function traced<T>(on: { server: ChildServer }, label: string, work: () => Promise<T>): Promise<T> {
  const from = on.server.stderr().length;
  const result = await work();
  if (!TRACE) return result;
  const passes = on.server
    .stderr()
    .slice(from)
    .split("\n")
    .flatMap((line) => (line.startsWith(TRACE_TAG) ? [JSON.parse(line.slice(TRACE_TAG.length))] : []))
    .map((pass) => pass as Record<string, number>);
  const phases = Object.keys(passes[0] ?? {});
  const text = phases.map((phase) => `${phase} ${median(passes.map((pass) => pass[phase] ?? 0)).toFixed(2)}`);
  console.log(`  trace at ${label} servers (${passes.length} passes, medians, ms): ${text.join(", ")}`);
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-vpc-"));
  const id = newIdentity();
  const prefix = uniquePrefix();
  let off: ChildServer | undefined;
  const serverEnv = { ...QUOTAS, ...(TRACE ? { ECS_VIP_DATAPLANE_TRACE: "1" } : {}) };
  const nodeArgs = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", CPU_PROF] : undefined;
  let on = await startDataplaneServer({ prefix, env: serverEnv, nodeArgs });
  try {
    off = await spawnServer({
      db: `sqlite:${join(dir, "off.db")}`,
      identity: id,
      dataDir: dir,
      args: ["--build-ms", "200", "--sync", "normal"],
      env: QUOTAS,
    });
    const offFleet = await fleet(await ApiClient.login(off.url, id.projectId, id.password));
    const onFleet = await fleet(on.api);
    const figures: Record<string, number[]> = { on10: [], off10: [], on500: [], off500: [] };
    const cpu: Record<string, number[]> = { on10: [], off10: [], on500: [], off500: [] };
    const offServer = off;
    await grow(onFleet, 10);
    await grow(offFleet, 10);
    await settle(onFleet, offFleet);
    for (let run = 0; run < RUNS; run++) {
      figures.on10?.push(await withCpu(on.server, cpu.on10, () => traced(on, "10", () => bindLatency(onFleet))));
      figures.off10?.push(await withCpu(offServer, cpu.off10, () => bindLatency(offFleet)));
    }
    await grow(onFleet, MID);
    await grow(offFleet, MID);
    await settle(onFleet, offFleet);
    const midBinds = Date.now();
    for (let run = 0; run < RUNS; run++) {
      figures.on500?.push(
        await withCpu(on.server, cpu.on500, () => traced(on, String(MID), () => bindLatency(onFleet))),
      );
      figures.off500?.push(await withCpu(offServer, cpu.off500, () => bindLatency(offFleet)));
    }
    if (CPU_PROF) console.log(`  cpu profile: binds at ${MID} servers ran from ${midBinds} to ${Date.now()} (ms)`);
    await off.terminate();
    off = undefined;
    const ratio = (x: number[], y: number[]) => (median(x) / median(y)).toFixed(2);
    console.log(`data plane at size: ${RUNS} runs each, min / median / max (${BINDS} sequential binds per run)`);
    console.log(
      `  bind latency, 10 live servers:   on ${spread(figures.on10 ?? [])}, off ${spread(figures.off10 ?? [])}`,
    );
    console.log(
      `  bind latency, ${MID} live servers: on ${spread(figures.on500 ?? [])}, off ${spread(figures.off500 ?? [])}`,
    );
    console.log(
      `  ratios (medians): on ${MID}/10 = ${ratio(figures.on500 ?? [], figures.on10 ?? [])} (target <= 1.5); ` +
        `on/off at 10 = ${ratio(figures.on10 ?? [], figures.off10 ?? [])}, at ${MID} = ${ratio(figures.on500 ?? [], figures.off500 ?? [])} (target <= 3)`,
    );
    console.log(
      `  server CPU per bind + unbind (process tree, /proc): 10 live servers on ${spread(cpu.on10 ?? [])}, ` +
        `off ${spread(cpu.off10 ?? [])}; ${MID}: on ${spread(cpu.on500 ?? [])}, off ${spread(cpu.off500 ?? [])}`,
    );
    console.log(
      `  CPU ratios (medians): on ${MID}/10 = ${ratio(cpu.on500 ?? [], cpu.on10 ?? [])}; ` +
        `on/off at 10 = ${ratio(cpu.on10 ?? [], cpu.off10 ?? [])}, at ${MID} = ${ratio(cpu.on500 ?? [], cpu.off500 ?? [])}`,
    );
    if (!PARTS.has("eip") && !PARTS.has("restart")) return;

    // EIP fail-over, on a pair of its own (another VPC), RUNS times.
    const groups = new Groups(on.api);
    const topology = new Topology(on.api, on.api.projectId);
    const net = await createNetwork(on.api, "10.90.1.0/24", "10.90.0.0/16");
    const ha = await groups.closed("ha");
    await groups.rule(ha, { protocol: "tcp", port_range_min: 80, port_range_max: 80 });
    await groups.rule(ha, { protocol: "112", remote_group_id: ha });
    const [a, b] = await serversIn(on, net.vpcId, net.subnetId, 2, [ha]);
    if (!a || !b) throw new Error("two servers expected");
    const vip = (await topology.privateIp(net.subnetId, "10.90.1.100")).ip_address as string;
    await topology.bindVip(a.nicId, net.subnetId, vip);
    await topology.bindVip(b.nicId, net.subnetId, vip);
    const vipPort = await topology.portAt(vip);
    if (!vipPort) throw new Error("no VIP port");
    const publicIp = (await eip(on.api, vipPort)).address;
    listen(a.ns, 80, "a");
    listen(b.ns, 80, "b");
    await listening(a.ns, 80);
    await listening(b.ns, 80);
    const internet = `${prefix}-inet`;
    const failovers: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const main = await pidOf(await startKeepalived(on, a, `a${run}`, keepalivedConfig(a.ip, b.ip, 150, vip)));
      const vrrp = await pidOf(join(on.dir, `a${run}-vrrp.pid`));
      if (run === 0) await pidOf(await startKeepalived(on, b, "b", keepalivedConfig(b.ip, a.ip, 100, vip)));
      await until(() => answerOf(internet, publicIp, 80) === "a", 20_000, 100);
      const killed = performance.now();
      process.kill(vrrp, "SIGKILL");
      process.kill(main, "SIGKILL");
      await until(() => answerOf(internet, publicIp, 80) === "b", 20_000, 0);
      failovers.push(performance.now() - killed);
      // A killed keepalived leaves the VIP behind; its next start takes it back (preemption) and cleans up.
    }

    // Size: grow to SIZE live servers, then kill -9 and restart, RUNS times.
    const built = performance.now();
    await grow(onFleet, SIZE - 2);
    const buildSeconds = (performance.now() - built) / 1000;
    const restarts: number[] = [];
    const complete: boolean[] = [];
    for (let run = 0; run < RUNS; run++) {
      await on.server.kill9();
      const start = performance.now();
      on = await startDataplaneServer({ prefix, dir: on.dir, identity: on.identity, env: QUOTAS });
      restarts.push(performance.now() - start);
      const sync = await runCli(["dataplane", "sync", "--db", on.db]);
      complete.push(sync.code === 0 && sync.stdout.trim() === "in sync: nothing changed");
    }

    console.log(`  ${SIZE} live servers built in ${buildSeconds.toFixed(0)} s (the last ${SIZE - MID})`);
    console.log(
      `  restart after kill -9 at ${SIZE}: ${spread(
        restarts.map((ms) => ms / 1000),
        "s",
      )} (target <= 10 s); ` +
        `dataplane sync right after found nothing to change: ${complete.map((ok) => (ok ? "yes" : "NO")).join(", ")}`,
    );
    console.log(`  EIP on a keepalived VIP, fail-over seen from the internet: ${spread(failovers)} (target <= 6 s)`);
  } finally {
    await off?.terminate();
    if (CPU_PROF) console.log(`  cpu profile: data-plane server stopped at ${Date.now()} (ms)`);
    await on.server.terminate();
    await runCli(["dataplane", "down", "--db", on.db]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(on.dir, { recursive: true, force: true });
  }
}

await main();
