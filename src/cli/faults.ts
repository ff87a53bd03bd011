import { type Command, InvalidArgumentError, Option } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { printRows } from "./output.js";

const FAULTS_PATH = "/ecs-vip/v1/faults";

function integer(minimum: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) throw new InvalidArgumentError(`an integer ≥ ${minimum}`);
    return value;
  };
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

type Options = ApiOptions & Record<string, unknown>;

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

/** `ecs-vip faults add|list|clear`: fault rules of a running server, through its admin endpoint. */
export function registerFaultsCommands(program: Command): void {
  const faults = program.command("faults").description("inject faults into a running server (admin user only)");

  withApiOptions(
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
    const body = await clientOf(options).call<{ rule: RuleBody }>("POST", FAULTS_PATH, { body: rule });
    process.stdout.write(options.json ? `${JSON.stringify(body.rule, null, 2)}\n` : `${body.rule.id}\n`);
  });

  withApiOptions(faults.command("list").description("list the fault rules in force")).action(
    async (options: Options) => {
      const body = await clientOf(options).call<{ rules: RuleBody[] }>("GET", FAULTS_PATH);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(body.rules, null, 2)}\n`);
        return;
      }
      const rows = body.rules.map((rule) => ({
        id: rule.id,
        operation: rule.operation,
        project: rule.project,
        action: describeAction(rule),
        limit: describeLimit(rule),
        injected: rule.injected,
      }));
      printRows(rows, ["id", "operation", "project", "action", "limit", "injected"], false);
    },
  );

  withApiOptions(faults.command("clear").description("remove every fault rule")).action(async (options: Options) => {
    const body = await clientOf(options).call<{ cleared: number }>("DELETE", FAULTS_PATH);
    process.stdout.write(options.json ? `${JSON.stringify(body)}\n` : `cleared ${body.cleared} rule(s)\n`);
  });
}
