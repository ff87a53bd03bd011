import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const PREFIX = "enc:v1:";

/**
 * Secrets at rest (secret access keys, the token-signing secret) sealed with AES-256-GCM under a master key kept
 * outside the store, so a copy of the database alone can neither sign requests nor forge tokens.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer | undefined) {}

  /** `hexKey`: 64 hex characters (32 bytes). */
  static withKey(hexKey: string): SecretBox {
    if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new Error("the master key must be 64 hex characters");
    return new SecretBox(Buffer.from(hexKey, "hex"));
  }

  /** Stores secrets as given (in-memory test stores only; a served store always has a master key). */
  static clear(): SecretBox {
    return new SecretBox(undefined);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(secret: string): string {
    if (!this.key) return secret;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return `${PREFIX}${[iv, cipher.getAuthTag(), data].map((part) => part.toString("base64url")).join(":")}`;
  }

  /** The clear secret; a value written before sealing existed is returned as it is (the start-up migration seals it). */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    if (!this.key) throw new Error("a sealed secret in the store, but no master key");
    const [iv, tag, data] = stored
      .slice(PREFIX.length)
      .split(":")
      .map((part) => Buffer.from(part, "base64url"));
    if (!iv || !tag || !data) throw new Error("a sealed secret in the store is malformed");
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  }

  /** What the store remembers of the master key, to refuse a wrong one at start instead of failing every request. */
  fingerprint(): string | undefined {
    return this.key ? createHmac("sha256", this.key).update("ecs-vip master key check").digest("hex") : undefined;
  }
}
