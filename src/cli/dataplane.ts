import { spawn } from "node:child_process";
import type { Command } from "commander";
import { DEFAULT_DB } from "../config.js";
import { NetnsDataplane, tearDown } from "../dataplane/netns-dataplane.js";
import { checkPrerequisites } from "../dataplane/prerequisites.js";
import { PREFIX_META_KEY } from "../dataplane/start.js";
import { DEFAULT_PREFIX, dataplaneNames, isValidPrefix } from "../domain/portsec/names.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";

interface DbOption {
  db?: string;
}

async function withStore<T>(options: DbOption, work: (store: Store) => Promise<T>): Promise<T> {
  const db = options.db ?? process.env.ECS_VIP_DB ?? DEFAULT_DB;
  const store = await openStore(db, { mustExist: true });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The prefix the serving process recorded; else ECS_VIP_DATAPLANE_PREFIX; else the default. */
async function prefixOf(store: Store): Promise<string> {
  const recorded = await store.read((tx) => tx.admin.getMeta(PREFIX_META_KEY));
  const prefix = recorded ?? process.env.ECS_VIP_DATAPLANE_PREFIX ?? DEFAULT_PREFIX;
  if (!isValidPrefix(prefix)) throw new Error(`invalid data plane prefix ${prefix}`);
  return prefix;
}

async function serverNamespace(options: DbOption, serverId: string): Promise<string | undefined> {
  return withStore(options, async (store) => {
    const server = await store.read((tx) => tx.compute.getServer(serverId));
    if (!server) return undefined;
    return dataplaneNames(await prefixOf(store)).serverNamespace(server.id);
  });
}

function fail(message: string, code = 1): void {
  process.stderr.write(`ecs-vip dataplane: ${message}\n`);
  process.exitCode = code;
}

/** `ecs-vip dataplane ns|exec|sync|down`: look into and repair the data plane of `serve --dataplane netns`. */
export function registerDataplaneCommands(program: Command): void {
  const group = program.command("dataplane").description("network namespaces of `serve --dataplane netns`");
  const db = ["--db <url>", "sqlite:PATH or postgres://… (default ECS_VIP_DB, then sqlite:./data/ecs-vip.db)"] as const;

  group
    .command("ns")
    .description("print the network namespace of a server")
    .option(...db)
    .argument("<server-id>")
    .action(async (serverId: string, options: DbOption) => {
      const namespace = await serverNamespace(options, serverId);
      if (namespace === undefined) return fail(`no server ${serverId}`);
      process.stdout.write(`${namespace}\n`);
    });

  group
    .command("exec")
    .description("run a command inside a server's namespace; its exit code is passed through")
    .option(...db)
    .argument("<server-id>")
    .argument("<command...>", "after --")
    .action(async (serverId: string, command: string[], options: DbOption) => {
      const namespace = await serverNamespace(options, serverId);
      if (namespace === undefined) return fail(`no server ${serverId}`);
      const child = spawn("ip", ["netns", "exec", namespace, ...command], { stdio: "inherit" });
      const code = await new Promise<number>((resolve) => {
        child.once("error", (error) => {
          process.stderr.write(`ecs-vip dataplane: ${error.message}\n`);
          resolve(127);
        });
        child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
      });
      process.exitCode = code;
    });

  group
    .command("sync")
    .description("make the wire match the store exactly; prints what it changed")
    .option(...db)
    .action(async (options: DbOption) => {
      await checkPrerequisites();
      await withStore(options, async (store) => {
        const dataplane = new NetnsDataplane(store, dataplaneNames(await prefixOf(store)));
        const changed = await dataplane.reconcile();
        dataplane.close();
        // Loading the port-security rules again is part of every full pass; report it only with other changes.
        const real = changed.filter((what) => what !== "apply port-security rules");
        process.stdout.write(real.length === 0 ? "in sync: nothing changed\n" : `${changed.join("\n")}\n`);
      });
    });

  group
    .command("down")
    .description("remove every namespace, link and rule the data plane created")
    .option(...db)
    .action(async (options: DbOption) => {
      await checkPrerequisites();
      const prefix = await withStore(options, prefixOf).catch(
        () => process.env.ECS_VIP_DATAPLANE_PREFIX ?? DEFAULT_PREFIX,
      );
      const removed = await tearDown(dataplaneNames(prefix));
      process.stdout.write(
        removed.length === 0 ? "nothing to remove\n" : `${removed.map((ns) => `removed ${ns}`).join("\n")}\n`,
      );
    });
}
