#!/usr/bin/env node
import { startServer } from "./cli/serve.js";
import { ConfigError, serveConfig } from "./config.js";

const USAGE = `usage: ecs-vip serve [--host H] [--port P] [--db sqlite:PATH|postgres://…] [--sync full|normal]`;

async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== "serve") {
    process.stderr.write(`ecs-vip: unknown command ${command}\n${USAGE}\n`);
    return 2;
  }
  const config = serveConfig(args, process.env);
  const server = await startServer(config);
  process.stdout.write(`ecs-vip: serving on ${server.url} (db ${config.db})\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      server.stop().then(resolve, (error: unknown) => {
        process.stderr.write(`ecs-vip: shutdown failed: ${String(error)}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
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
