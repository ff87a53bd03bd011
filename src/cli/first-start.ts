import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ServeConfig } from "../config.js";
import { BOOTSTRAP_ACCOUNT, BOOTSTRAP_USER } from "../domain/iam/well-known-names.js";
import type { UseCaseContext } from "../usecases/context.js";
import { type BootstrapCredentials, bootstrap } from "../usecases/iam/bootstrap.js";

export const CREDENTIALS_FILE = "credentials.json";

const randomText = (bytes: number, encoding: "hex" | "base64url") => randomBytes(bytes).toString(encoding);

/** The first start's identity: the environment's values where given, fresh random ones otherwise. */
function newCredentials(config: ServeConfig): BootstrapCredentials {
  const given = config.bootstrap;
  return {
    account: BOOTSTRAP_ACCOUNT,
    user: BOOTSTRAP_USER,
    password: given.adminPassword ?? randomText(12, "base64url"),
    projectId: given.projectId ?? randomText(16, "hex"),
    projectName: config.projectName,
    accessKey: given.accessKey ?? randomText(10, "hex").toUpperCase(),
    secretKey: given.secretKey ?? randomText(30, "base64url"),
  };
}

/**
 * Bootstraps the identity so that its secrets cannot be lost: on an empty store the credentials are first written
 * to `credentials.json.new` in the data directory (so a directory that cannot be written fails the start before
 * anything is committed), then committed, then renamed to `credentials.json`. A crash between commit and rename
 * leaves them in the `.new` file. When another process bootstrapped first, the unused file is removed.
 */
export async function bootstrapIdentity(
  context: UseCaseContext,
  config: ServeConfig,
): Promise<{ created: boolean; credentials?: BootstrapCredentials; file?: string }> {
  const exists = await context.store.read((tx) => tx.iam.getAccountByName(BOOTSTRAP_ACCOUNT));
  if (exists) return bootstrap(context, { projectName: config.projectName, ...config.bootstrap });

  const credentials = newCredentials(config);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, CREDENTIALS_FILE);
  const pending = `${file}.new`;
  writeFileSync(pending, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(pending, 0o600);
  let result: Awaited<ReturnType<typeof bootstrap>>;
  try {
    result = await bootstrap(context, {
      projectName: credentials.projectName,
      accessKey: credentials.accessKey,
      secretKey: credentials.secretKey,
      projectId: credentials.projectId,
      adminPassword: credentials.password,
      // Lost a race with another process's first start: a key generated here must not be added to its identity.
      addKeyIfExisting: config.bootstrap.accessKey !== undefined,
    });
  } catch (error) {
    rmSync(pending, { force: true });
    throw error;
  }
  if (!result.created) {
    rmSync(pending, { force: true });
    return result;
  }
  renameSync(pending, file);
  return { created: true, credentials, file };
}
