import { SecretBox } from "../../auth/secret-box.js";
import { TOKEN_SECRET_KEY } from "../../domain/iam/well-known-names.js";
import type { UseCaseContext } from "../context.js";

export const MASTER_KEY_CHECK = "master_key_check";

export class WrongMasterKeyError extends Error {
  constructor() {
    super(
      "the master key (ECS_VIP_MASTER_KEY or <data dir>/master.key) is not the one this store's secrets are sealed with",
    );
  }
}

/**
 * At start: refuses a master key other than the store's, and seals every secret still stored in clear (stores written
 * before secrets were sealed). Safe to run from several processes at once: each reseal is idempotent.
 */
export async function sealStoredSecrets(context: UseCaseContext): Promise<{ sealed: number }> {
  const fingerprint = context.secrets.fingerprint();
  if (fingerprint === undefined) return { sealed: 0 };
  return context.store.write(async (tx) => {
    const known = await tx.admin.getMeta(MASTER_KEY_CHECK);
    if (known !== undefined && known !== fingerprint) throw new WrongMasterKeyError();
    if (known === undefined) await tx.admin.setMeta(MASTER_KEY_CHECK, fingerprint);
    let sealed = 0;
    const tokenSecret = await tx.admin.getMeta(TOKEN_SECRET_KEY);
    if (tokenSecret !== undefined && !SecretBox.isSealed(tokenSecret)) {
      await tx.admin.setMeta(TOKEN_SECRET_KEY, context.secrets.seal(tokenSecret));
      sealed++;
    }
    for (const key of await tx.iam.listAccessKeys()) {
      if (SecretBox.isSealed(key.secretKey)) continue;
      await tx.iam.updateAccessKeySecret(key.accessKey, context.secrets.seal(key.secretKey));
      sealed++;
    }
    return { sealed };
  });
}
