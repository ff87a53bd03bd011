import { readFileSync } from "node:fs";

let cached: string | undefined;

/** This build's version, from package.json (one level above both src/ and dist/). */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
    .version;
  return cached;
}
