import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * The console's event stream over a real socket: it says `changed` after each committed change, carries the
 * revision, needs a token, and a graceful stop of the server ends it instead of waiting on it.
 */
let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
});
afterAll(() => server?.dispose());

/** Reads server-sent events from an open stream as they arrive. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async function next(): Promise<{ event: string; data: string }> {
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (block.startsWith(":")) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
        const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? "";
        return { event, data };
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the event stream ended");
      buffered += decoder.decode(value, { stream: true });
    }
  };
}

describe("GET /console/api/events", () => {
  it("needs a token, like every API call", async () => {
    const response = await fetch(`${server.url}/console/api/events`);
    expect(response.status).toBe(401);
    expect((await response.json()).error_code).toBe("APIGW.0301");
  });

  it("says `changed`, with the next revision, after each committed change", async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/console/api/events`, {
      headers: { "X-Auth-Token": api.token },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const next = eventReader(response.body as ReadableStream<Uint8Array>);
    expect((await next()).event).toBe("ready");

    const before = await server.store.changes.currentRevision();
    const vpc = await api.call("POST", api.p("/vpcs"), { vpc: { name: "events", cidr: "192.168.0.0/16" } });
    expect(vpc.status).toBe(200);
    // A VPC alone touches no port, server or subnet: the subnet (with its system ports) is the first change.
    const subnet = await api.call("POST", api.p("/subnets"), {
      subnet: { name: "s", cidr: "192.168.0.0/24", gateway_ip: "192.168.0.1", vpc_id: vpc.body.vpc.id },
    });
    expect(subnet.status).toBe(200);
    const changed = await next();
    expect(changed).toEqual({ event: "changed", data: String(before + 1) });
    abort.abort();
  });

  it("answers HEAD with the stream's headers and ends", async () => {
    const response = await fetch(`${server.url}/console/api/events`, {
      method: "HEAD",
      headers: { "X-Auth-Token": api.token },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe("");
  });

  it("is ended by a graceful stop instead of holding it up", async () => {
    const own = await startTestServer();
    const client = await ApiClient.login(own.url, own.projectId, own.password);
    const response = await fetch(`${own.url}/console/api/events`, { headers: { "X-Auth-Token": client.token } });
    const next = eventReader(response.body as ReadableStream<Uint8Array>);
    expect((await next()).event).toBe("ready");
    await own.dispose();
    await expect(next()).rejects.toThrow();
  });
});
