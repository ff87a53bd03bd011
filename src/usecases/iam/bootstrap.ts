import { randomBytes } from "node:crypto";
import { hashPassword } from "../../auth/passwords.js";
import { BOOTSTRAP_ACCOUNT, BOOTSTRAP_USER, TOKEN_SECRET_KEY } from "../../domain/iam/well-known-names.js";
import type { UseCaseContext } from "../context.js";
import { ensureDefaultSecurityGroups } from "../security-groups/default-group.js";
import { insertAccount } from "./accounts.js";

export interface BootstrapInput {
  projectName: string;
  accessKey?: string;
  secretKey?: string;
  projectId?: string;
  adminPassword?: string;
  /** On a store bootstrapped before: register `accessKey` for admin when missing (default true). */
  addKeyIfExisting?: boolean;
}

export interface BootstrapCredentials {
  account: string;
  user: string;
  password: string;
  projectId: string;
  projectName: string;
  accessKey: string;
  secretKey: string;
}

const randomText = (bytes: number, encoding: "hex" | "base64url") => randomBytes(bytes).toString(encoding);

/**
 * On an empty store creates the account, the admin user, one project and one access key; later starts change
 * nothing except registering an access key given in the environment that the store does not know yet.
 */
export async function bootstrap(
  context: UseCaseContext,
  input: BootstrapInput,
): Promise<{ created: boolean; credentials?: BootstrapCredentials }> {
  // Hashed before the transaction: scrypt takes tens of milliseconds and must not hold the store's write lock.
  const password = input.adminPassword ?? randomText(12, "base64url");
  const passwordHash = await hashPassword(password);
  return context.store.write(async (tx) => {
    const existing = await tx.iam.getAccountByName(BOOTSTRAP_ACCOUNT);
    if (existing) {
      if (
        input.addKeyIfExisting !== false &&
        input.accessKey &&
        input.secretKey &&
        !(await tx.iam.getAccessKey(input.accessKey))
      ) {
        const admin = await tx.iam.getUserByName(existing.id, BOOTSTRAP_USER);
        if (admin)
          await tx.iam.insertAccessKey({
            accessKey: input.accessKey,
            secretKey: context.secrets.seal(input.secretKey),
            userId: admin.id,
          });
      }
      // Stores from before security groups existed: every project gets its default group at this start.
      await ensureDefaultSecurityGroups(context, tx, existing.id);
      return { created: false };
    }
    const credentials: BootstrapCredentials = {
      account: BOOTSTRAP_ACCOUNT,
      user: BOOTSTRAP_USER,
      password,
      projectId: input.projectId ?? randomText(16, "hex"),
      projectName: input.projectName,
      accessKey: input.accessKey ?? randomText(10, "hex").toUpperCase(),
      secretKey: input.secretKey ?? randomText(30, "base64url"),
    };
    const { userId } = await insertAccount(context, tx, {
      accountName: BOOTSTRAP_ACCOUNT,
      userName: BOOTSTRAP_USER,
      passwordHash,
      projectId: credentials.projectId,
      projectName: credentials.projectName,
    });
    await tx.iam.insertAccessKey({
      accessKey: credentials.accessKey,
      secretKey: context.secrets.seal(credentials.secretKey),
      userId,
      status: "active",
      description: "bootstrap",
      createdAt: context.now().toISOString(),
    });
    await tx.admin.setMeta(TOKEN_SECRET_KEY, context.secrets.seal(randomText(32, "hex")));
    return { created: true, credentials };
  });
}
