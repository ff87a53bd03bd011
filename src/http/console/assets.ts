import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * Where `npm run build` writes the console's bundle. This module sits at the same depth in `src/` (run with tsx) and
 * in `dist/` (built), so the same relative path reaches `dist/console/` from both.
 */
export const CONSOLE_DIST = fileURLToPath(new URL("../../../dist/console/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Only flat file names the build writes: no path separators, no dot files, so nothing outside the folder is read. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;

export interface Asset {
  body: Buffer;
  type: string;
}

/** A built file by name, or undefined when the name is not one the build could write or the file is missing. */
export async function readAsset(name: string, dir = CONSOLE_DIST): Promise<Asset | undefined> {
  if (!ASSET_NAME.test(name)) return undefined;
  const type = TYPES[name.slice(name.lastIndexOf("."))];
  if (!type) return undefined;
  try {
    return { body: await readFile(`${dir}${name}`), type };
  } catch {
    return undefined;
  }
}
