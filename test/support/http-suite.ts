import { expect } from "vitest";
import { ApiClient, type ApiResponse } from "./client.js";
import { startTestServer, type TestServer, type TestServerOptions } from "./server.js";
import { createNetwork } from "./world.js";

export type Network = Awaited<ReturnType<typeof createNetwork>>;

export interface HttpSuite {
  server: TestServer;
  api: ApiClient;
  /** A VPC with one /24 subnet, built when asked for. */
  net: Network;
}

/** A real server, an admin token for its project and, if asked, a network: what an HTTP test file starts from. */
export async function openHttpSuite(
  options: { network?: boolean; server?: TestServerOptions } = {},
): Promise<HttpSuite> {
  const server = await startTestServer(options.server);
  const api = await ApiClient.login(server.url, server.projectId, server.password);
  const net = options.network ? await createNetwork(api) : (undefined as unknown as Network);
  return { server, api, net };
}

/** The code of any of the cloud's error envelopes: ECS/IAM `error.code`, VPC `code`, Neutron `NeutronError.type`. */
export function errorCode(body: any): string | undefined {
  return body?.error?.code ?? body?.code ?? body?.NeutronError?.type;
}

function errorMessage(body: any): unknown {
  return body?.error?.message ?? body?.message ?? body?.NeutronError?.message;
}

/**
 * Sends a request that must be refused: with this status and code, a message, and every table of the store exactly as
 * it was before.
 */
export async function expectRefused(
  suite: HttpSuite,
  request: { method: string; path: string; body?: unknown },
  expected: { status: number; code: string },
): Promise<ApiResponse> {
  const dump = () => suite.server.store.read((tx) => tx.admin.dump());
  const before = await dump();
  const response = await suite.api.call(request.method, request.path, request.body);
  expect({ status: response.status, code: errorCode(response.body) }).toEqual(expected);
  expect(typeof errorMessage(response.body)).toBe("string");
  expect(await dump()).toEqual(before);
  return response;
}
