import { type Command, Option } from "commander";
import { type ApiTarget, readCredentialsFile, SignedClient } from "./api-client.js";
import { OperationalError } from "./failure.js";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:8080";
export const DEFAULT_CREDENTIALS = "./data/credentials.json";

export interface ApiOptions {
  endpoint: string;
  ak?: string;
  sk?: string;
  projectId?: string;
  credentials: string;
  json?: boolean;
}

/** The options every command that reaches a running server takes (flags win over the environment). */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--endpoint <URL>", "the server's base URL").env("ECS_VIP_ENDPOINT").default(DEFAULT_ENDPOINT),
    )
    .addOption(new Option("--ak <AK>", "access key").env("ECS_VIP_AK"))
    .addOption(new Option("--sk <SK>", "secret key").env("ECS_VIP_SK"))
    .addOption(new Option("--project-id <ID>", "project id").env("ECS_VIP_PROJECT_ID"))
    .addOption(
      new Option(
        "--credentials <FILE>",
        "credentials.json written by the first `ecs-vip serve`, for keys not given",
      ).default(DEFAULT_CREDENTIALS),
    )
    .option("--json", "print JSON with stable keys instead of a table");
}

/** Keys from the flags and environment, the rest from the credentials file. */
export function targetOf(options: ApiOptions): ApiTarget {
  let { ak, sk, projectId } = options;
  if (ak === undefined || sk === undefined || projectId === undefined) {
    const file = readCredentialsFile(options.credentials);
    ak ??= file.accessKey;
    sk ??= file.secretKey;
    projectId ??= file.projectId;
  }
  if (!ak || !sk || !projectId) {
    throw new OperationalError(`no access key, secret key or project id in ${options.credentials} or the flags`);
  }
  return { endpoint: options.endpoint, accessKey: ak, secretKey: sk, projectId };
}

export function clientOf(options: ApiOptions): SignedClient {
  return new SignedClient(targetOf(options));
}
