import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { DEFAULT_DB } from "../config.js";
import type { Store } from "../store/store.js";
import { exportProject, importProject, listStoreProjects, StateError } from "../usecases/state/project-state.js";
import { OperationalError, UsageError } from "./failure.js";

const dbOption = () =>
  new Option("--db <URL>", "the store: sqlite:PATH or postgres://…").env("ECS_VIP_DB").default(DEFAULT_DB);

async function withStore<T>(
  db: string,
  options: { mustExist: boolean },
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const { openStore } = await import("../store/open-store.js");
  const store = await openStore(db, { mustExist: options.mustExist });
  try {
    return await work(store);
  } catch (error) {
    if (error instanceof StateError) throw new OperationalError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

export function registerStateCommands(program: Command): void {
  program
    .command("export")
    .description("write a project's resources (VPCs, subnets, servers, ports, jobs) as JSON on stdout, ids kept")
    .addOption(dbOption())
    .option("--project <ID>", "the project (default the store's only project)")
    .action(async (options: { db: string; project?: string }, self: Command) => {
      const state = await withStore(options.db, { mustExist: true }, async (store) => {
        let projectId = options.project;
        if (projectId === undefined) {
          const projects = await listStoreProjects(store);
          if (projects.length !== 1) {
            throw new UsageError(
              `the store has ${projects.length} projects (${projects.map((p) => p.id).join(", ")}): choose one with --project`,
              self,
            );
          }
          projectId = (projects[0] as { id: string }).id;
        }
        return exportProject(store, projectId);
      });
      process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    });
  program
    .command("import <file>")
    .description("restore a project exported with `ecs-vip export` into a store, ids kept (all or nothing)")
    .addOption(dbOption())
    .action(async (file: string, options: { db: string }) => {
      let state: unknown;
      try {
        state = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new OperationalError(code ? `cannot read ${file}: ${code}` : `${file} is not JSON`);
      }
      const result = await withStore(options.db, { mustExist: false }, (store) => importProject(store, state));
      const counts = Object.entries(result.counts)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(", ");
      process.stderr.write(`ecs-vip import: project ${result.projectId}: ${counts}\n`);
    });
}
