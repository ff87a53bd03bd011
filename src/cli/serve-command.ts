import type { Command } from "commander";
import { serveConfig } from "../config.js";
import { ConfigError } from "../config-error.js";
import { UsageError } from "./failure.js";
import { redactDbUrl } from "./redact.js";

/**
 * The flags of `serve`, each also settable by environment (flags win). Commander only checks them (unknown flags,
 * missing values, `--help`); `serveConfig` in config.ts reads them, so a new flag is added in both places.
 */
const SERVE_FLAGS: ReadonlyArray<readonly [flag: string, value: string, description: string]> = [
  ["host", "H", "address to listen on (env ECS_VIP_HOST, default 127.0.0.1)"],
  ["port", "P", "port to listen on, 0 picks a free one (env ECS_VIP_PORT, default 8080)"],
  ["db", "URL", "sqlite:PATH or postgres://user@host:port/db (env ECS_VIP_DB, default sqlite:./data/ecs-vip.db)"],
  ["sync", "MODE", "SQLite durability: full or normal (env ECS_VIP_SYNC, default full)"],
  ["build-ms", "N", "how long new servers stay in BUILD, in ms (env ECS_VIP_BUILD_MS)"],
  [
    "data-dir",
    "DIR",
    "where credentials.json goes (env ECS_VIP_DATA_DIR, default beside the SQLite file, ./data for PostgreSQL)",
  ],
  [
    "log-level",
    "L",
    "pino log level: fatal, error, warn, info, debug, trace, silent (env ECS_VIP_LOG_LEVEL, default info)",
  ],
  [
    "dataplane",
    "MODE",
    "off, or netns: bound VIPs carry traffic between network namespaces, root only (env ECS_VIP_DATAPLANE)",
  ],
  ["eip-pool", "CIDR", "IPv4 block EIPs come from, /8 … /30 (env ECS_VIP_EIP_POOL, default 198.51.100.0/24)"],
  ["faults", "FILE", "fault rules (JSON or YAML) in force from the start"],
  ["rate-limit", "N", "requests/s per caller, burst as many; 0 turns it off (env ECS_VIP_RATE_LIMIT, default 1000)"],
  ["public-url", "URL", "base of the token catalog and *_links (env ECS_VIP_PUBLIC_URL, default the listener)"],
];

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Waits for SIGTERM or SIGINT; installed before anything starts so no signal can take the default action. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
}

async function serve(args: string[], command: Command): Promise<number> {
  let config: ReturnType<typeof serveConfig>;
  try {
    config = serveConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, command);
    throw error;
  }
  // A signal while the store opens (a database that does not answer) gives up at once; after "serving on" it stops
  // the server gracefully. The same signal sent again while stopping takes the default action: a way to force an exit.
  const stopRequested = stopSignal();
  // Loaded here, so that commands which do not serve do not load the server's modules.
  const { startServer } = await import("./serve.js");
  const starting = startServer(config);
  const first = await Promise.race([
    starting.then((server) => ({ server, signal: undefined })),
    stopRequested.then((signal) => ({ server: undefined, signal })),
  ]);
  if (first.server === undefined) {
    process.stderr.write(`ecs-vip: ${first.signal} while starting: not started\n`);
    return 1;
  }
  const server = first.server;
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

export function registerServeCommands(program: Command): void {
  const command = program.command("serve").description("serve the cloud API (what `ecs-vip` alone does)");
  for (const [flag, value, description] of SERVE_FLAGS) command.option(`--${flag} <${value}>`, description);
  command.addHelpText(
    "after",
    `
Bootstrap identity on first start (generated when unset): ECS_VIP_BOOTSTRAP_AK, ECS_VIP_BOOTSTRAP_SK,
ECS_VIP_BOOTSTRAP_PROJECT_ID (32 lowercase hex), ECS_VIP_ADMIN_PASSWORD, ECS_VIP_PROJECT_NAME (default local-1).
SIGTERM / SIGINT: stop accepting, finish requests in flight, close the store, exit 0.`,
  );
  command.action(async (options: Record<string, string | undefined>, self: Command) => {
    const args: string[] = [];
    for (const [flag] of SERVE_FLAGS) {
      const value = options[camel(flag)];
      if (value !== undefined) args.push(`--${flag}`, value);
    }
    process.exitCode = await serve(args, self);
  });
}
