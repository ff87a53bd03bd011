import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: child processes run `src/main.ts` from here, exactly as a user runs the CLI. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = ["--import", "tsx", "src/main.ts"];
/** What `npm start` runs: the compiled program (`npm run build`). */
const BUILT_MAIN = ["dist/main.js"];

export interface Identity {
  projectId: string;
  accessKey: string;
  secretKey: string;
  password: string;
}

export interface ChildServerOptions {
  db: string;
  identity: Identity;
  /** Where credentials.json goes on first start (for PostgreSQL it would otherwise be ./data). */
  dataDir: string;
  logLevel?: string;
  /** Extra serve flags, e.g. ["--sync", "normal"]. */
  args?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** Options for node itself, before the program (e.g. ["--cpu-prof"]; NODE_OPTIONS refuses some of them). */
  nodeArgs?: string[];
  /** Run the compiled program in dist/ as `npm start` does, instead of the sources through tsx. */
  built?: boolean;
  /** The checkout to run the program of (default this one): a benchmark compares another build against this one. */
  root?: string;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  stdout: () => string;
  stderr: () => string;
  exited: Promise<ChildExit>;
  /** SIGKILL, then wait for the exit. */
  kill9: () => Promise<ChildExit>;
  /** SIGTERM, then wait for the exit (SIGKILL after `timeoutMs`, failing the wait). */
  terminate: (timeoutMs?: number) => Promise<ChildExit>;
}

export function serverEnv(identity: Identity, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Keep the parent's settings (a fault hook, a database) from leaking into the child.
  for (const key of Object.keys(env)) if (key.startsWith("ECS_VIP_")) delete env[key];
  return {
    ...env,
    ECS_VIP_BOOTSTRAP_AK: identity.accessKey,
    ECS_VIP_BOOTSTRAP_SK: identity.secretKey,
    ECS_VIP_BOOTSTRAP_PROJECT_ID: identity.projectId,
    ECS_VIP_ADMIN_PASSWORD: identity.password,
    ...extra,
  };
}

/** `ecs-vip serve --port 0` in a child process; resolves once it prints the URL it serves on. */
export function spawnServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.built ? BUILT_MAIN : MAIN),
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--db",
      options.db,
      "--data-dir",
      options.dataDir,
      "--log-level",
      options.logLevel ?? "warn",
      ...(options.args ?? []),
    ],
    {
      cwd: options.root ?? REPO_ROOT,
      env: serverEnv(options.identity, options.env),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => {
      // Let the pipes drain before anyone reads what the process wrote last.
      setImmediate(() => resolve({ code, signal }));
    });
  });
  const waitExit = async (timeoutMs: number): Promise<ChildExit> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`server did not exit within ${timeoutMs} ms\n${err}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const server: Omit<ChildServer, "url"> = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill9: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
    terminate: (timeoutMs = 30_000) => {
      child.kill("SIGTERM");
      return waitExit(timeoutMs);
    },
  };
  return new Promise<ChildServer>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onData = () => {
      const match = /ecs-vip: serving on (http:\/\/\S+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({ ...server, url: match[1] });
    };
    child.stdout?.on("data", onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`server exited before serving (${JSON.stringify(exit)})\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx src/main.ts …args` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return runNode([...MAIN, ...args], env, stdin);
}

/** A node process from the repository root, without the parent's ECS_VIP_* settings; `stdin` is piped in if given. */
export function runNode(argv: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(base)) if (key.startsWith("ECS_VIP_")) delete base[key];
    const child = spawn(process.execPath, argv, {
      cwd: REPO_ROOT,
      env: { ...base, ...env },
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}
