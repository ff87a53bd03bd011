/**
 * Bundles the web console (`console/`) into `dist/console/`: one ES module, one stylesheet, the page. No CDN, no
 * source maps, no external fonts. `npm run build` runs it after tsc; the console's tests run it before they start.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONSOLE_OUT = `${ROOT}dist/console/`;

/** Each file appears whole or not at all, so a server reading the folder while another build runs never sees half. */
async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

export async function buildConsole(outdir = CONSOLE_OUT): Promise<void> {
  await mkdir(outdir, { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    write: false,
    outdir,
    logLevel: "warning",
    legalComments: "none",
  } as const;
  const script = await build({
    ...common,
    entryPoints: { console: `${ROOT}console/src/main.tsx` },
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
  });
  const styles = await build({ ...common, entryPoints: { console: `${ROOT}console/styles.css` } });
  for (const file of [...script.outputFiles, ...styles.outputFiles]) {
    await writeAtomically(`${outdir}${basename(file.path)}`, file.contents);
  }
  await writeAtomically(`${outdir}index.html`, await readFile(`${ROOT}console/index.html`));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole();
}
