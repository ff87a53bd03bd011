/**
 * What the data plane adds to a bind: the same sequential bind/unbind loop against a server with `--dataplane netns`
 * and one without, started side by side in the same run (SQLite, synchronous=normal, so the store's fsync does not
 * hide the difference). Needs root, iproute2 and nftables. Not part of `npm test`.
 *
 *   node --import tsx bench/dataplane-bind.ts [--binds 50]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identity, startDataplaneServer, uniquePrefix } from "../test/dataplane/support.js";
import { type ChildServer, runCli, spawnServer } from "../test/support/child-server.js";
import { ApiClient } from "../test/support/client.js";
import { createNetwork, createServers } from "../test/support/world.js";
import { option } from "./support.js";

const BINDS = Number(option("binds", "50"));

async function loop(api: ApiClient): Promise<number[]> {
  const net = await createNetwork(api, "192.168.20.0/24");
  const [a] = await createServers(api, net.vpcId, net.subnetId, 1);
  if (!a) throw new Error("no server");
  const times: number[] = [];
  for (let i = 0; i < BINDS; i++) {
    const start = performance.now();
    const bind = await api.call("PUT", api.p(`/cloudservers/nics/${a.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.20.100" },
    });
    times.push(performance.now() - start);
    if (bind.status !== 200) throw new Error(`bind: ${bind.status}`);
    await api.call("PUT", api.p(`/cloudservers/nics/${a.nicId}`), { nic: { subnet_id: "", ip_address: "" } });
  }
  return times;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bench-dp-"));
  const id = identity();
  let off: ChildServer | undefined;
  const on = await startDataplaneServer({ prefix: uniquePrefix() });
  try {
    off = await spawnServer({
      db: `sqlite:${join(dir, "off.db")}`,
      identity: id,
      dataDir: dir,
      args: ["--build-ms", "200", "--sync", "normal"],
    });
    const offTimes = await loop(await ApiClient.login(off.url, id.projectId, id.password));
    const onTimes = await loop(on.api);
    const [m0, m1] = [median(offTimes), median(onTimes)];
    console.log(
      `bind latency over ${BINDS} sequential binds: data plane off ${m0.toFixed(1)} ms median, ` +
        `netns ${m1.toFixed(1)} ms median (x${(m1 / m0).toFixed(1)}); the difference is the store read of the ` +
        `network state and one \`nft -f\``,
    );
  } finally {
    await off?.terminate();
    await on.server.terminate();
    await runCli(["dataplane", "down", "--db", on.db]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(on.dir, { recursive: true, force: true });
  }
}

await main();
