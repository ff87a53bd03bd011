import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerAdminCommands } from "./admin.js";
import { CloudApiError } from "./api-client.js";
import { registerAuditCommands } from "./audit.js";
import { registerCheckCommands } from "./check-command.js";
import { registerDataplaneCommands } from "./dataplane.js";
import { describeFailure, UsageError } from "./failure.js";
import { registerFaultsCommands } from "./faults.js";
import { registerNicCommands } from "./nic.js";
import { registerPortCommands } from "./port.js";
import { registerSeedCommands } from "./seed.js";
import { registerServeCommands } from "./serve-command.js";
import { registerServerCommands } from "./server.js";
import { registerStateCommands } from "./state.js";
import { registerSubnetCommands } from "./subnet.js";
import { registerVipCommands } from "./vip.js";
import { registerVpcCommands } from "./vpc.js";

/** The package's version, read from package.json beside `src/` or `dist/`. */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export const VERSION = packageVersion();

/**
 * Every command, sub-command included, answers `--version` as the program does, and after a usage error prints its
 * own usage line and where to find the rest.
 */
function finishCommands(command: Command, path: string): void {
  for (const sub of command.commands) {
    const subPath = `${path} ${sub.name()}`;
    if (!sub.options.some((option) => option.long === "--version")) sub.version(VERSION, "-V, --version");
    sub.showHelpAfterError(`usage: ${subPath} ${sub.usage()}\n(run "${subPath} --help" for every option)`);
    finishCommands(sub, subPath);
  }
}

/**
 * The whole `ecs-vip` command line. Each group of commands lives in its own file under src/cli/ and registers itself
 * here with one line. Settings made on `program` before the groups register (errors as exceptions, usage after an
 * error) are inherited by every command they add.
 */
export function buildProgram(): Command {
  const program = new Command("ecs-vip")
    .description("A local Huawei Cloud / Open Telekom Cloud endpoint for binding virtual IPs to ECS NICs")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .showHelpAfterError('(run "ecs-vip --help" for the commands)');

  registerServeCommands(program);
  registerCheckCommands(program);
  registerVpcCommands(program);
  registerSubnetCommands(program);
  registerServerCommands(program);
  registerNicCommands(program);
  registerVipCommands(program);
  registerPortCommands(program);
  registerSeedCommands(program);
  registerStateCommands(program);
  registerDataplaneCommands(program);
  registerFaultsCommands(program);
  registerAuditCommands(program);
  registerAdminCommands(program);

  finishCommands(program, "ecs-vip");
  return program;
}

function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/**
 * Runs the command line and answers the exit code: 0 on success (and for --help / --version), 1 when the operation
 * failed (one line on stderr, never a stack trace), 2 for bad usage (the message and the command's usage).
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // `ecs-vip` alone serves, as `npm start` and the first examples do.
    await program.parseAsync(argv.length === 0 ? ["serve"] : argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CloudApiError) {
      const id = error.requestId === "" ? "" : `, request id ${error.requestId}`;
      process.stderr.write(`ecs-vip: ${error.code}: ${error.message} (HTTP ${error.status}${id})\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      const usage = error.command ? `usage: ${commandPath(error.command)} ${error.command.usage()}\n` : "";
      process.stderr.write(`error: ${error.message}\n${usage}(run with --help for every option)\n`);
      return 2;
    }
    process.stderr.write(`ecs-vip: ${describeFailure(error)}\n`);
    return 1;
  }
}
