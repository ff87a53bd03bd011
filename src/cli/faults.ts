import { type Command, InvalidArgumentError, Option } from "commander";
import {
  CliUsageError,
  type ConnectionOptions,
  cloudError,
  resolveConnection,
  signedRequest,
} from "./signed-client.js";

const FAULTS_PATH = "/ecs-vip/v1/faults";

function integer(minimum: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) throw new InvalidArgumentError(`an integer ≥ ${minimum}`);
    return value;
  };
}

/** The connection flags, on each command so they may be given after it (`ecs-vip faults list --endpoint …`). */
function withConnection(command: Command): Command {
  return command
    .option("--endpoint <url>", "server URL (env ECS_VIP_ENDPOINT, default http://127.0.0.1:8080)")
    .option("--ak <ak>", "access key (env ECS_VIP_AK)")
    .option("--sk <sk>", "secret key (env ECS_VIP_SK)")
    .option("--project-id <id>", "project id (env ECS_VIP_PROJECT_ID)")
    .option("--credentials <file>", "credentials file (default ./data/credentials.json)")
    .option("--json", "print JSON for scripts");
}

/** A rule as `/ecs-vip/v1/faults` shows it. */
interface RuleBody {
  id: string;
  operation: string;
  project: string;
  error?: string;
  latency_ms?: number;
  drop?: boolean;
  remaining: number | null;
  expires_at: string | null;
  injected: number;
}

type Options = ConnectionOptions & { json?: boolean } & Record<string, unknown>;

async function call<T>(command: Command, method: string, path: string, body?: unknown): Promise<T | undefined> {
  const options = command.optsWithGlobals<Options>();
  let connection: ReturnType<typeof resolveConnection>;
  try {
    connection = resolveConnection(options, process.env);
  } catch (error) {
    if (error instanceof CliUsageError) command.error(`ecs-vip: ${error.message}`, { exitCode: 2 });
    throw error;
  }
  const response = await signedRequest(connection, method, path, body);
  if (response.status >= 400) {
    const { code, message } = cloudError(response.body);
    process.stderr.write(`ecs-vip: ${code}: ${message} (HTTP ${response.status}, request ${response.requestId})\n`);
    process.exitCode = 1;
    return undefined;
  }
  return response.body as T;
}

function describeAction(rule: RuleBody): string {
  if (rule.error) return `error ${rule.error}`;
  if (rule.latency_ms !== undefined) return `latency ${rule.latency_ms} ms`;
  return "drop";
}

function describeLimit(rule: RuleBody): string {
  if (rule.remaining !== null && rule.remaining !== undefined) return `${rule.remaining} left`;
  if (rule.expires_at) return `until ${rule.expires_at}`;
  return "until cleared";
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `ecs-vip faults add|list|clear`: fault rules of a running server, through its admin endpoint. */
export function registerFaultsCommands(program: Command): void {
  const faults = program.command("faults").description("inject faults into a running server (admin user only)");

  withConnection(
    faults
      .command("add")
      .description("add a fault rule; prints its id")
      .requiredOption("--operation <id>", "operationId from /openapi.json, or * for every operation")
      .option("--project <id>", "only this project (default: all)")
      .addOption(new Option("--error <code>", "answer this registry error code").conflicts(["latencyMs", "drop"]))
      .addOption(new Option("--latency-ms <n>", "delay by n ms, then run").argParser(integer(0)).conflicts("drop"))
      .option("--drop", "close the connection without an answer")
      .addOption(new Option("--count <n>", "fire n times").argParser(integer(1)).conflicts("forSeconds"))
      .addOption(new Option("--for-seconds <n>", "fire for n seconds").argParser(integer(1))),
  ).action(async (options: Options, command: Command) => {
    if (options.error === undefined && options.latencyMs === undefined && !options.drop) {
      command.error("error: give one of --error CODE, --latency-ms N, --drop", { exitCode: 2 });
    }
    const rule = {
      operation: options.operation,
      ...(options.project !== undefined ? { project: options.project } : {}),
      ...(options.error !== undefined ? { error: options.error } : {}),
      ...(options.latencyMs !== undefined ? { latency_ms: options.latencyMs } : {}),
      ...(options.drop ? { drop: true } : {}),
      ...(options.count !== undefined ? { count: options.count } : {}),
      ...(options.forSeconds !== undefined ? { for_seconds: options.forSeconds } : {}),
    };
    const body = await call<{ rule: RuleBody }>(command, "POST", FAULTS_PATH, rule);
    if (!body) return;
    process.stdout.write(options.json ? `${JSON.stringify(body.rule, null, 2)}\n` : `${body.rule.id}\n`);
  });

  withConnection(faults.command("list").description("list the fault rules in force")).action(
    async (options: Options, command: Command) => {
      const body = await call<{ rules: RuleBody[] }>(command, "GET", FAULTS_PATH);
      if (!body) return;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(body.rules, null, 2)}\n`);
        return;
      }
      const rows = [["ID", "OPERATION", "PROJECT", "ACTION", "LIMIT", "INJECTED"]];
      for (const rule of body.rules) {
        rows.push([
          rule.id,
          rule.operation,
          rule.project,
          describeAction(rule),
          describeLimit(rule),
          String(rule.injected),
        ]);
      }
      process.stdout.write(`${table(rows)}\n`);
    },
  );

  withConnection(faults.command("clear").description("remove every fault rule")).action(
    async (options: Options, command: Command) => {
      const body = await call<{ cleared: number }>(command, "DELETE", FAULTS_PATH);
      if (!body) return;
      process.stdout.write(options.json ? `${JSON.stringify(body)}\n` : `cleared ${body.cleared} rule(s)\n`);
    },
  );
}
