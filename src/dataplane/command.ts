import { spawn } from "node:child_process";

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(" ")} failed (${code ?? "signal"}): ${stderr.trim() || "no message"}`);
  }
}

/** Runs a program without a shell, feeding `input` on stdin; resolves to stdout, rejects with its stderr. */
export function run(argv: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new CommandError(argv, code, Buffer.concat(err).toString("utf8")));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/** `ip -j …` output parsed; an empty answer is an empty list. */
export async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  const text = (await run(["ip", "-j", ...args])).trim();
  return text === "" ? [] : (JSON.parse(text) as T[]);
}
