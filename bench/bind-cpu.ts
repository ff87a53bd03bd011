/**
 * CPU time of the server process per bind/unbind request on SQLite, A/B between source trees (for example `main`'s
 * checkout against a branch's), alternating A, B, A, B… so that both see the same noise. Each round starts a fresh
 * server from each tree's sources (`node --import tsx src/main.ts serve`, token auth, rate limit off, logging at
 * info), builds NICS one-NIC servers, warms up, then sends REQUESTS bind/unbind requests (bind with reverse binding
 * on even rounds over the NICs, unbind on odd ones, as bench/run.ts does) over CONNECTIONS connections and reads the
 * process's utime+stime from /proc before and after. Prints µs of CPU and store statements per request, each
 * tree's median over the rounds, and B's ratio to A.
 *
 *   node --import tsx bench/bind-cpu.ts --a /work/main --b . [--rounds 3] [--requests 6000] [--nics 500]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { serverEnv } from "../test/support/child-server.js";
import { buildWorld, identity, login, option } from "./support.js";

const rounds = Number(option("rounds", "3"));
const requests = Number(option("requests", "6000"));
const nics = Number(option("nics", "500"));
const connections = Number(option("connections", "16"));
const trees = { A: resolve(option("a", "/work/main")), B: resolve(option("b", ".")) };
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function statements(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^ecs_vip_store_statements_total (\d+)/m.exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

async function measure(tree: string): Promise<{ cpuMicros: number; statements: number }> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-vip-bind-cpu-"));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/main.ts", "serve", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "0"].concat([
      "--db",
      `sqlite:${join(dir, "store.db")}`,
      "--data-dir",
      dir,
    ]),
    { cwd: tree, env: serverEnv(identity), stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const match = /ecs-vip: serving on (http:\/\/\S+)/.exec(out);
        if (match?.[1]) done(match[1]);
      });
      child.once("exit", (code) => fail(new Error(`server exited (${code}) before serving`)));
    });
    child.stdout?.resume();
    const api = await login(url);
    const world = await buildWorld(api, nics);
    const token = api.token;
    let n = 0;
    const load = (amount: number) =>
      autocannon({
        url,
        connections,
        amount,
        headers: { "content-type": "application/json", "x-auth-token": token },
        requests: [
          {
            method: "PUT",
            setupRequest: (request) => {
              const nic = world.nics[n % world.nics.length] as (typeof world.nics)[number];
              const bindRound = Math.floor(n / world.nics.length) % 2 === 0;
              n++;
              return {
                ...request,
                path: `/v1/${identity.projectId}/cloudservers/nics/${nic.nicId}`,
                body: JSON.stringify({
                  nic: bindRound
                    ? { subnet_id: world.subnetId, ip_address: nic.vip, reverse_binding: true }
                    : { subnet_id: "", ip_address: "" },
                }),
              };
            },
          },
        ],
      });
    await load(Math.min(2000, requests));
    const pid = child.pid as number;
    const [cpuBefore, statementsBefore] = [cpuSeconds(pid), await statements(url)];
    const result = await load(requests);
    const [cpuAfter, statementsAfter] = [cpuSeconds(pid), await statements(url)];
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
    // The two /metrics requests are left out of the count; their few statements are noise here.
    return {
      cpuMicros: ((cpuAfter - cpuBefore) * 1e6) / requests,
      statements: (statementsAfter - statementsBefore) / requests,
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;

const seen: Record<"A" | "B", { cpuMicros: number; statements: number }[]> = { A: [], B: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of ["A", "B"] as const) {
    const figures = await measure(trees[name]);
    seen[name].push(figures);
    console.log(
      `round ${round + 1} ${name} (${trees[name]}): ${figures.cpuMicros.toFixed(0)} µs CPU/request, ` +
        `${figures.statements.toFixed(2)} statements/request`,
    );
  }
}
const cpu = { A: median(seen.A.map((f) => f.cpuMicros)), B: median(seen.B.map((f) => f.cpuMicros)) };
console.log(
  `median CPU/request: A ${cpu.A.toFixed(0)} µs, B ${cpu.B.toFixed(0)} µs, B/A ${(cpu.B / cpu.A).toFixed(2)}; ` +
    `statements/request: A ${median(seen.A.map((f) => f.statements)).toFixed(2)}, ` +
    `B ${median(seen.B.map((f) => f.statements)).toFixed(2)}`,
);
