import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app.js";
import { SecretBox } from "../auth/secret-box.js";
import { type ServeConfig, sqlitePath } from "../config.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { defaultContext, type UseCaseContext } from "../usecases/context.js";
import { completeDueJobs } from "../usecases/ecs/jobs.js";
import { type BootstrapCredentials, bootstrap } from "../usecases/iam/bootstrap.js";
import { sealStoredSecrets } from "../usecases/iam/seal-secrets.js";
import { loadMasterKey, secureDataDir } from "./data-dir.js";

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  context: UseCaseContext;
  url: string;
  stop: () => Promise<void>;
}

function writeCredentials(config: ServeConfig, credentials: BootstrapCredentials): string {
  const dir = config.dataDir;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "credentials.json");
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Opens the store, bootstraps identity on first start, serves, and completes server builds in the background. */
export async function startServer(config: ServeConfig, options: { logger?: boolean } = {}): Promise<RunningServer> {
  secureDataDir(config.dataDir, sqlitePath(config.db));
  const secrets = SecretBox.withKey(loadMasterKey(config.dataDir, config.masterKey));
  const store = await openStore(config.db, { synchronous: config.synchronous });
  const context = { ...defaultContext(store, { serverBuildMs: config.serverBuildMs }), secrets };
  try {
    await sealStoredSecrets(context);
  } catch (error) {
    await store.close();
    throw error;
  }
  const result = await bootstrap(context, { projectName: config.projectName, ...config.bootstrap });
  if (result.created && result.credentials) {
    const file = writeCredentials(config, result.credentials);
    const { accessKey, projectId, projectName } = result.credentials;
    process.stdout.write(
      `ecs-vip: first start, created account "default", user "admin", project ${projectName} (${projectId}), ` +
        `access key ${accessKey}; all credentials saved to ${file}\n`,
    );
  }
  const app = await buildApp({
    context,
    logger: options.logger === false ? false : { level: config.logLevel },
    security: { rateLimit: config.rateLimit },
    publicUrl: config.publicUrl,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  // Links and the catalog name the listener unless a public URL is configured (a wildcard host names no one).
  if (!config.publicUrl && config.host !== "0.0.0.0" && config.host !== "::") app.publicUrl.value = url;

  let ticking = Promise.resolve();
  const timer = setInterval(
    () => {
      ticking = ticking
        .then(() => completeDueJobs(context).then(() => undefined))
        .catch((error: unknown) => {
          app.log.warn({ err: error }, "completing due jobs failed");
        });
    },
    Math.max(50, Math.floor(context.limits.serverBuildMs / 2)),
  );
  timer.unref();

  // Fastify answers requests that arrive while it closes with `Connection: close`, and Node closes the connections idle
  // at that moment; a keep-alive connection busy with a request then would stay open after its answer until the
  // keep-alive timeout (72 s) and hold the shutdown. So the answers in flight at stop() close their connections too.
  const inFlight = new Set<ServerResponse>();
  app.server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
  });
  const closeAfterAnswer = (response: ServerResponse) => {
    if (!response.headersSent) response.shouldKeepAlive = false;
    else response.once("finish", () => setImmediate(() => app.server.closeIdleConnections()));
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      for (const response of inFlight) closeAfterAnswer(response);
      await app.close();
      await ticking;
      await store.close();
    })();
    return stopping;
  };
  return { app, store, context, url, stop };
}
