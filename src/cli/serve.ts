import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildApp } from "../app.js";
import { SecretBox } from "../auth/secret-box.js";
import type { ServeConfig } from "../config.js";
import { ConfigError } from "../config-error.js";
import { checkPrerequisites, DataplaneUnavailableError } from "../dataplane/prerequisites.js";
import { type RunningDataplane, startDataplane } from "../dataplane/start.js";
import { loadFaultFile } from "../faults/load-file.js";
import { FaultRuleError, type FaultRuleInput } from "../faults/rules.js";
import { sqlitePath } from "../store/database-url.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { defaultContext, type UseCaseContext } from "../usecases/context.js";
import { completeDueJobs } from "../usecases/ecs/jobs.js";
import { sealStoredSecrets } from "../usecases/iam/seal-secrets.js";
import { loadMasterKey, secureDataDir } from "./data-dir.js";
import { bootstrapIdentity } from "./first-start.js";

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  context: UseCaseContext;
  url: string;
  stop: () => Promise<void>;
}

function readFaults(file: string): FaultRuleInput[] {
  try {
    return loadFaultFile(file);
  } catch (error) {
    throw new ConfigError(`--faults ${file}: ${(error as Error).message}`);
  }
}

/** Opens the store, bootstraps identity on first start, serves, and completes server builds in the background. */
export async function startServer(config: ServeConfig, options: { logger?: boolean } = {}): Promise<RunningServer> {
  const faults = config.faultsFile ? readFaults(config.faultsFile) : undefined;
  if (config.dataplane === "netns") {
    // Refuse before touching anything (no store, no credentials file) when the machine cannot run the data plane.
    await checkPrerequisites().catch((error: unknown) => {
      throw error instanceof DataplaneUnavailableError ? new ConfigError(error.message) : error;
    });
  }
  secureDataDir(config.dataDir, sqlitePath(config.db));
  const secrets = SecretBox.withKey(loadMasterKey(config.dataDir, config.masterKey));
  const store = await openStore(config.db, { synchronous: config.synchronous });
  const context = {
    ...defaultContext(store, {
      serverBuildMs: config.serverBuildMs,
      ...(config.quotas ? { quotas: config.quotas } : {}),
      ...(config.eipPool === undefined ? {} : { eipPool: config.eipPool }),
    }),
    secrets,
  };
  const result = await (async () => {
    await sealStoredSecrets(context);
    return bootstrapIdentity(context, config);
  })().catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  if (result.created && result.credentials) {
    const file = result.file;
    const { accessKey, projectId, projectName } = result.credentials;
    process.stdout.write(
      `ecs-vip: first start, created account "default", user "admin", project ${projectName} (${projectId}), ` +
        `access key ${accessKey}; all credentials saved to ${file}\n`,
    );
  }
  // Request logs go out through an asynchronous destination: a slow stdout never blocks the event loop mid-request.
  // What is still buffered is flushed when the server stops.
  const logDestination = options.logger === false ? undefined : pino.destination({ sync: false });
  const flushLogs = () => {
    try {
      logDestination?.flushSync();
    } catch {
      // Nothing buffered, or stdout is gone: nothing more to do.
    }
  };
  const app = await buildApp({
    context,
    logger: options.logger === false ? false : { level: config.logLevel, stream: logDestination },
    faults,
    security: { rateLimit: config.rateLimit },
    publicUrl: config.publicUrl,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error instanceof FaultRuleError ? new ConfigError(`--faults ${config.faultsFile}: ${error.message}`) : error;
  });
  let dataplane: RunningDataplane | undefined;
  if (config.dataplane === "netns") {
    try {
      dataplane = await startDataplane(store, config.dataplanePrefix ?? "ecsvip", app.log);
    } catch (error) {
      await app.close();
      await store.close();
      throw error instanceof DataplaneUnavailableError ? new ConfigError(error.message) : error;
    }
  }
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await dataplane?.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
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
      await dataplane?.stop();
      await store.close();
      flushLogs();
    })();
    return stopping;
  };
  return { app, store, context, url, stop };
}
