#!/usr/bin/env node
import { Command } from "commander";
import { registerAuditCommands } from "./cli/audit.js";
import { checkCommand } from "./cli/check.js";
import { redactDbUrl } from "./cli/redact.js";
import { startServer } from "./cli/serve.js";
import { ConfigError, serveConfig } from "./config.js";

const USAGE = `usage: ecs-vip serve [--host H] [--port P] [--db sqlite:PATH|postgres://…] [--sync full|normal]
       ecs-vip audit [--db URL] [--since ISO] [--project ID] [--json]
       ecs-vip check [--db sqlite:PATH|postgres://…]
         checks a store's invariants (running or stopped); prints one line per violation and exits 1,
         exits 0 when the store is sound, 2 when it cannot be reached`;

async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "check") return checkCommand(args, process.env);
  if (command === "audit") {
    const program = new Command("ecs-vip").exitOverride();
    registerAuditCommands(program);
    await program.parseAsync([command, ...args], { from: "user" });
    return 0;
  }
  if (command !== "serve") {
    process.stderr.write(`ecs-vip: unknown command ${command}\n${USAGE}\n`);
    return 2;
  }
  const config = serveConfig(args, process.env);
  // Signals are caught before anything starts: one that arrives while the store opens stops the server as soon as it
  // is up, and by the time "serving on" is printed no SIGTERM can take the default action (die mid-request) any more.
  // The same signal sent again while stopping does take it: a way to force an exit.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  const server = await startServer(config);
  process.stdout.write(`ecs-vip: serving on ${server.url} (db ${redactDbUrl(config.db)})\n`);
  const signal = await stopRequested;
  process.stderr.write(`ecs-vip: ${signal}: finishing requests in flight, then closing the store\n`);
  try {
    await server.stop();
  } catch (error) {
    process.stderr.write(`ecs-vip: shutdown failed: ${String(error)}\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode ??= code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ecs-vip: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exitCode = 1;
  },
);
