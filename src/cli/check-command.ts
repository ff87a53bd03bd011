import type { Command } from "commander";

export function registerCheckCommands(program: Command): void {
  program
    .command("check")
    .description("check a store's invariants, running or stopped, without changing it")
    .option("--db <URL>", "sqlite:PATH or postgres://… (env ECS_VIP_DB, default sqlite:./data/ecs-vip.db)")
    .addHelpText(
      "after",
      "\nPrints one line per violation on stdout and exits 1; exits 0 when the store is sound, 2 when it cannot be reached.",
    )
    .action(async (options: { db?: string }) => {
      const { checkCommand } = await import("./check.js");
      process.exitCode = await checkCommand(options.db === undefined ? [] : ["--db", options.db], process.env);
    });
}
