import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { SecretBox } from "../auth/secret-box.js";
import { DEFAULT_DB } from "../config.js";
import { sqlitePath } from "../store/database-url.js";
import type { Store } from "../store/store.js";
import { defaultContext, type UseCaseContext } from "../usecases/context.js";
import {
  AdminError,
  createAccount,
  createKey,
  createUser,
  generatedPassword,
  listKeys,
  revokeKey,
  setPassword,
} from "../usecases/iam/admin.js";
import { MASTER_KEY_CHECK } from "../usecases/iam/seal-secrets.js";
import { MASTER_KEY_FILE } from "./data-dir.js";
import { OperationalError } from "./failure.js";
import { printRow, printRows } from "./output.js";

interface AdminOptions {
  db: string;
  dataDir?: string;
  json?: boolean;
}

const dbOption = () =>
  new Option("--db <URL>", "the store: sqlite:PATH or postgres://…").env("ECS_VIP_DB").default(DEFAULT_DB);
const dataDirOption = () =>
  new Option("--data-dir <DIR>", "where master.key is (default: beside the SQLite file, else ./data)").env(
    "ECS_VIP_DATA_DIR",
  );

/** The master key as the server finds it (ECS_VIP_MASTER_KEY, else <data dir>/master.key), without creating one. */
function masterKey(options: AdminOptions): string | undefined {
  if (process.env.ECS_VIP_MASTER_KEY) return process.env.ECS_VIP_MASTER_KEY;
  const dataDir = resolve(options.dataDir ?? dirname(sqlitePath(options.db) ?? join("data", "x")));
  const file = join(dataDir, MASTER_KEY_FILE);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

/**
 * Opens the store with the master key its secrets are sealed under. A store whose secrets are still in clear (never
 * served with a key) gets clear secrets: the server seals them at its next start.
 */
async function withAdmin<T>(options: AdminOptions, work: (context: UseCaseContext) => Promise<T>): Promise<T> {
  const { openStore } = await import("../store/open-store.js");
  const store: Store = await openStore(options.db, { mustExist: true });
  try {
    const key = masterKey(options);
    const secrets = key ? SecretBox.withKey(key) : SecretBox.clear();
    const known = await store.read((tx) => tx.admin.getMeta(MASTER_KEY_CHECK));
    if (known !== undefined && known !== secrets.fingerprint()) {
      throw new OperationalError(
        key
          ? "the master key (ECS_VIP_MASTER_KEY or <data dir>/master.key) is not the one this store's secrets are sealed with"
          : "this store's secrets are sealed: set ECS_VIP_MASTER_KEY or --data-dir to where master.key is",
      );
    }
    return await work({ ...defaultContext(store), secrets });
  } catch (error) {
    if (error instanceof AdminError) throw new OperationalError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/** The first line of stdin (the password), never an argument: argv is visible to every user of the machine. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (password === "") throw new OperationalError("--password-stdin: stdin holds no password");
  return password;
}

async function chosenPassword(options: { passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (options.passwordStdin) return { password: await passwordFromStdin(), generated: false };
  return { password: generatedPassword(), generated: true };
}

const common = (command: Command) =>
  command.addOption(dbOption()).addOption(dataDirOption()).option("--json", "print JSON with stable keys");

/**
 * `ecs-vip admin …`: accounts, users, passwords and access keys on the store directly, for bootstrap and recovery;
 * safe while servers run. Passwords come from stdin (`--password-stdin`) or are generated and printed once.
 */
export function registerAdminCommands(program: Command): void {
  const admin = program
    .command("admin")
    .description("manage accounts, users, passwords and access keys on the store directly (safe while servers run)");

  const account = admin.command("account").description("accounts (domains)");
  common(account.command("create"))
    .description("create an account with its admin user (in its admin group) and one project")
    .argument("<name>", "the account name")
    .option("--project <name>", "its project's name (project names are unique in a store; default local-1_<name>)")
    .option("--password-stdin", "read the admin password from stdin's first line (default: generate and print it)")
    .action(async (name: string, options: AdminOptions & { project?: string; passwordStdin?: boolean }) => {
      const { password, generated } = await chosenPassword(options);
      const created = await withAdmin(options, (context) =>
        createAccount(context, { name, password, projectName: options.project ?? `local-1_${name}` }),
      );
      printRow(
        {
          account: created.account,
          account_id: created.accountId,
          user: created.user,
          user_id: created.userId,
          project_id: created.projectId,
          project_name: created.projectName,
          ...(generated ? { password } : {}),
        },
        options.json,
      );
    });

  const user = admin.command("user").description("IAM users");
  common(user.command("create"))
    .description("create a user (no group: grant it roles through IAM)")
    .argument("<name>", "the user name")
    .requiredOption("--account <name>", "the account")
    .option("--password-stdin", "read the password from stdin's first line (default: generate and print it)")
    .action(async (name: string, options: AdminOptions & { account: string; passwordStdin?: boolean }) => {
      const { password, generated } = await chosenPassword(options);
      const created = await withAdmin(options, (context) =>
        createUser(context, { account: options.account, name, password }),
      );
      printRow(
        { account: options.account, user: created.name, user_id: created.id, ...(generated ? { password } : {}) },
        options.json,
      );
    });
  common(user.command("password"))
    .description("set a user's password (and enable it): recovery, no old password needed")
    .argument("<name>", "the user name")
    .requiredOption("--account <name>", "the account")
    .option("--password-stdin", "read the password from stdin's first line (default: generate and print it)")
    .action(async (name: string, options: AdminOptions & { account: string; passwordStdin?: boolean }) => {
      const { password, generated } = await chosenPassword(options);
      await withAdmin(options, (context) => setPassword(context, { account: options.account, name, password }));
      printRow({ account: options.account, user: name, ...(generated ? { password } : {}) }, options.json);
    });

  const key = admin.command("key").description("permanent access keys");
  common(key.command("create"))
    .description("create an access key for a user; the secret key is printed once")
    .requiredOption("--account <name>", "the account")
    .requiredOption("--user <name>", "the user")
    .action(async (options: AdminOptions & { account: string; user: string }) => {
      const created = await withAdmin(options, (context) =>
        createKey(context, { account: options.account, user: options.user }),
      );
      printRow(
        { access_key: created.accessKey, secret_key: created.secretKey, account: options.account, user: options.user },
        options.json,
      );
    });
  common(key.command("list"))
    .description("list access keys (never a secret)")
    .option("--account <name>", "only this account's")
    .action(async (options: AdminOptions & { account?: string }) => {
      const keys = await withAdmin(options, (context) => listKeys(context, options.account));
      printRows(
        keys.map((k) => ({
          access_key: k.accessKey,
          account: k.account,
          user: k.user,
          status: k.status,
          created_at: k.createdAt,
          description: k.description,
        })),
        ["access_key", "account", "user", "status", "created_at", "description"],
        options.json,
      );
    });
  common(key.command("revoke"))
    .description("delete an access key: running servers refuse it from their next request")
    .argument("<ak>", "the access key")
    .action(async (ak: string, options: AdminOptions) => {
      await withAdmin(options, (context) => revokeKey(context, ak));
      printRow({ access_key: ak, revoked: true }, options.json);
    });
}
