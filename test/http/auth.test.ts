/**
 * Authentication over real HTTP: requests signed by the official SDK's signer pass, and every way of getting it
 * wrong is a 401 APIGW.0301 (or the service's project-mismatch error) that leaves the store untouched.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/tokens.js";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

let server: TestServer;
let api: ApiClient;
let net: Awaited<ReturnType<typeof createNetwork>>;
let nic: Awaited<ReturnType<typeof createServers>>[number];
const OTHER_PROJECT = "0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
  net = await createNetwork(api);
  [nic] = (await createServers(api, net.vpcId, net.subnetId, 1)) as [typeof nic];
});
afterAll(async () => server.dispose());

interface Reply {
  status: number;
  body: any;
  requestId: string | null;
}

interface Outgoing {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

async function send({ url, init }: Outgoing): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? undefined : JSON.parse(text),
    requestId: response.headers.get("x-request-id"),
  };
}

const sdkDate = (date: Date) => `${date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;

interface SignOptions {
  query?: Record<string, string | string[]>;
  body?: unknown;
  ak?: string;
  sk?: string;
  date?: Date;
  projectId?: string;
}

/** A request signed exactly as an SDK client signs it (same signer, same headers), ready to send or to tamper with. */
function signed(method: string, path: string, options: SignOptions = {}): Outgoing {
  const query = options.query ?? {};
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "X-Project-Id": options.projectId ?? server.projectId,
  };
  if (options.date) headers["X-Sdk-Date"] = sdkDate(options.date);
  const credentials = new BasicCredentials()
    .withAk(options.ak ?? server.accessKey)
    .withSk(options.sk ?? server.secretKey);
  const all = AKSKSigner.sign(
    { endpoint: `${server.url}${path}`, method, headers, queryParams: query, data: options.body },
    credentials,
  ) as Record<string, string>;
  delete all.host; // fetch sends the same host:port itself
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) search.append(key, v);
  const queryText = search.toString();
  return {
    url: `${server.url}${path}${queryText ? `?${queryText}` : ""}`,
    init: { method, headers: all, body: options.body === undefined ? undefined : JSON.stringify(options.body) },
  };
}

function withToken(method: string, path: string, token: string, body?: unknown): Outgoing {
  const headers = { "Content-Type": "application/json", "X-Auth-Token": token };
  return {
    url: `${server.url}${path}`,
    init: { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
  };
}

const dump = () => server.store.read((tx) => tx.admin.dump());
const p = (path: string, project = server.projectId) => `/v1/${project}${path}`;

function expectGatewayError(reply: Reply, status: number, code: string) {
  expect(reply.requestId).toMatch(/^[0-9a-f]{32}$/);
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ error_msg: expect.any(String), error_code: code, request_id: reply.requestId });
}

/** Sends each request, expects 401 APIGW.0301 for all of them, and that none changed anything. */
/**
 * Each request is refused and nothing changes. A good signed request follows each refusal, which also shows the key
 * still works: the gateway locks a key after five consecutive failures, and no test here may lock the file's only key
 * for the tests that run after it (the lock itself is tested in test/security).
 */
async function expectRejected(...requests: Outgoing[]) {
  const before = await dump();
  for (const request of requests) {
    expectGatewayError(await send(request), 401, "APIGW.0301");
    expect((await send(signed("GET", p("/vpcs")))).status).toBe(200);
  }
  expect(await dump()).toEqual(before);
}

describe("AK/SK signatures", () => {
  it("accepts what the SDK signs: repeated query keys, spaces in values, bodies, odd path segments", async () => {
    const ports = await send(
      signed("GET", "/v2.0/ports", {
        query: { fixed_ips: [`subnet_id=${net.subnet.neutron_subnet_id}`, `ip_address=${nic.ip}`], limit: "5" },
      }),
    );
    expect(ports.status).toBe(200);
    expect(ports.body.ports.map((port: any) => port.id)).toEqual([nic.nicId]);
    const named = await send(signed("GET", "/v2.0/ports", { query: { name: "no such ~port!*'()" } }));
    expect(named.status).toBe(200);
    expect(named.body.ports).toEqual([]);

    const created = await send(signed("POST", p("/vpcs"), { body: { vpc: { name: "signed", cidr: "10.0.0.0/16" } } }));
    expect(created.status).toBe(200);
    expect(created.body.vpc.name).toBe("signed");
    const deleted = await send(signed("DELETE", p(`/vpcs/${created.body.vpc.id}`)));
    expect(deleted.status).toBe(204);

    // Verified (so the VPC lookup answers), though the id is escaped on the wire and escaped again when signed.
    const odd = await send(signed("GET", p("/vpcs/a%20b:c~d")));
    expect(odd.status).toBe(404);
    expect(odd.body.error_code).toBe("VPC.0003");
  });

  it("accepts a non-ASCII path value the SDK signs unescaped but sends escaped", async () => {
    const outgoing = signed("GET", p("/vpcs/vpc-é"));
    outgoing.url = outgoing.url.replace("vpc-é", "vpc-%C3%A9");
    const reply = await send(outgoing);
    expect(reply.status).toBe(404);
    expect(reply.body.error_code).toBe("VPC.0003");
  });

  it("rejects a request with no credentials at all, on every service", async () => {
    const bare = (method: string, path: string, body?: unknown): Outgoing => ({
      url: `${server.url}${path}`,
      init: {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    });
    await expectRejected(
      bare("GET", p("/vpcs")),
      bare("POST", p("/vpcs"), { vpc: { name: "x" } }),
      bare("PUT", p(`/cloudservers/nics/${nic.nicId}`), {
        nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9" },
      }),
      bare("GET", `/v2.0/ports/${nic.nicId}`),
      bare("GET", "/v3/projects"),
    );
  });

  it("rejects an unsupported scheme, a wrong secret, an unknown access key and a missing date", async () => {
    const noDate = signed("GET", p("/vpcs"));
    delete noDate.init.headers["X-Sdk-Date"];
    const basic = signed("GET", p("/vpcs"));
    basic.init.headers.Authorization = `Basic ${Buffer.from(`${server.accessKey}:${server.secretKey}`).toString("base64")}`;
    await expectRejected(
      basic,
      signed("GET", p("/vpcs"), { sk: `${server.secretKey}x` }),
      signed("POST", p("/vpcs"), { sk: "wrong", body: { vpc: { name: "x" } } }),
      signed("GET", p("/vpcs"), { ak: "AKUNKNOWN0000000" }),
      noDate,
    );
  });

  it("accepts X-Sdk-Date within 15 minutes of the server clock and rejects it 16 minutes off either way", async () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    expect((await send(signed("GET", p("/vpcs"), { date: minutes(-14) }))).status).toBe(200);
    expect((await send(signed("GET", p("/vpcs"), { date: minutes(14) }))).status).toBe(200);
    await expectRejected(
      signed("GET", p("/vpcs"), { date: minutes(-16) }),
      signed("GET", p("/vpcs"), { date: minutes(16) }),
      signed("POST", p("/vpcs"), { date: minutes(-16), body: { vpc: { name: "late" } } }),
    );
  });

  it("rejects a body, query or signed header changed after signing, and writes nothing", async () => {
    const body = signed("POST", p("/vpcs"), { body: { vpc: { name: "a" } } });
    body.init.body = JSON.stringify({ vpc: { name: "b" } });
    const spaced = signed("POST", p("/vpcs"), { body: { vpc: { name: "a" } } });
    spaced.init.body = JSON.stringify({ vpc: { name: "a" } }, null, 2);
    const bind = signed("PUT", p(`/cloudservers/nics/${nic.nicId}`), {
      body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9" } },
    });
    bind.init.body = JSON.stringify({ nic: { subnet_id: net.subnetId, ip_address: "192.168.0.10" } });
    const query = signed("GET", "/v2.0/ports", { query: { limit: "1" } });
    query.url = query.url.replace("limit=1", "limit=2");
    const project = signed("GET", p("/vpcs"));
    project.init.headers["X-Project-Id"] = OTHER_PROJECT;
    await expectRejected(body, spaced, bind, query, project);
  });

  it("does not let a key act in a project outside its account", async () => {
    await expectRejected(
      signed("GET", p("/vpcs", OTHER_PROJECT), { projectId: OTHER_PROJECT }),
      signed("POST", p("/vpcs", OTHER_PROJECT), { projectId: OTHER_PROJECT, body: { vpc: { name: "x" } } }),
    );
  });
});

describe("tokens", () => {
  async function mint(expiresAt: Date, secret?: string): Promise<string> {
    const { users } = await dump();
    const user = users![0]!;
    // The store keeps the secret sealed under the master key; a test holding both can open it.
    const tokenSecret =
      secret ?? server.context.secrets.open((await server.store.read((tx) => tx.admin.getMeta("token_secret")))!);
    const claims = {
      userId: String(user.id),
      accountId: String(user.account_id),
      projectId: server.projectId,
      issuedAt: new Date(expiresAt.getTime() - 86_400_000).toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    return issueToken(claims, tokenSecret);
  }

  it("accepts a token minted with the store's secret until it expires, and nothing else", async () => {
    const valid = await mint(new Date(Date.now() + 60_000));
    expect((await send(withToken("GET", p("/vpcs"), valid))).status).toBe(200);
    const expired = await mint(new Date(Date.now() - 1000));
    const forged = await mint(new Date(Date.now() + 60_000), "not-the-store-secret");
    const [payload, signature] = valid.split(".") as [string, string];
    const tampered = `${Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), projectId: OTHER_PROJECT }),
    ).toString("base64url")}.${signature}`;
    await expectRejected(
      withToken("GET", p("/vpcs"), expired),
      withToken("POST", p("/vpcs"), expired, { vpc: { name: "x" } }),
      withToken("GET", p("/vpcs"), forged),
      withToken("GET", p("/vpcs", OTHER_PROJECT), tampered),
      withToken("GET", p("/vpcs"), "garbage"),
      withToken("GET", p("/vpcs"), "a.b"),
      withToken("GET", `/v2.0/ports/${nic.nicId}`, `${valid}x`),
    );
  });

  it("answers a token used on another project's path with the service's own mismatch error, changing nothing", async () => {
    const token = await mint(new Date(Date.now() + 60_000));
    const before = await dump();
    const ecsCalls = [
      withToken("PUT", p(`/cloudservers/nics/${nic.nicId}`, OTHER_PROJECT), token, {
        nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9", reverse_binding: true },
      }),
      withToken("PUT", p(`/cloudservers/nics/${nic.nicId}`, OTHER_PROJECT), token, {
        nic: { subnet_id: "", ip_address: "" },
      }),
      withToken("GET", p(`/cloudservers/${nic.serverId}/os-interface`, OTHER_PROJECT), token),
    ];
    for (const call of ecsCalls) {
      const reply = await send(call);
      expect(reply.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect({ status: reply.status, body: reply.body }).toEqual({
        status: 400,
        body: { error: { code: "Ecs.0023", message: expect.any(String) } },
      });
    }
    const vpcCalls = [
      withToken("POST", p("/vpcs", OTHER_PROJECT), token, { vpc: { name: "x" } }),
      withToken("GET", p("/subnets", OTHER_PROJECT), token),
      withToken("DELETE", p(`/vpcs/${net.vpcId}`, OTHER_PROJECT), token),
    ];
    for (const call of vpcCalls) {
      const reply = await send(call);
      expect(reply.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: "VPC.0007", error_code: "VPC.0007", error_msg: expect.any(String) });
    }
    expect(await dump()).toEqual(before);
  });
});

describe("request plumbing", () => {
  it("accepts GET and DELETE with Content-Type: application/json and an empty body", async () => {
    const token = (api as any).token as string;
    for (const path of [
      p("/vpcs"),
      p("/subnets"),
      `/v2.0/ports/${nic.nicId}`,
      "/v3/projects",
      p(`/cloudservers/${nic.serverId}`),
    ]) {
      const reply = await send(withToken("GET", path, token));
      expect({ path, status: reply.status }).toEqual({ path, status: 200 });
    }
    const vpc = await api.call("POST", api.p("/vpcs"), { vpc: { name: "spare", cidr: "10.1.0.0/16" } });
    const deleted = await send(withToken("DELETE", p(`/vpcs/${vpc.body.vpc.id}`), token));
    expect(deleted.status).toBe(204);
    expect((await api.call("GET", api.p(`/vpcs/${vpc.body.vpc.id}`))).status).toBe(404);
    const port = await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } });
    expect(port.status).toBe(201);
    expect((await send(withToken("DELETE", `/v2.0/ports/${port.body.port.id}`, token))).status).toBe(204);
  });

  it("still reports a missing body where one is required, in the service's envelope", async () => {
    const reply = await send(withToken("PUT", p(`/cloudservers/nics/${nic.nicId}`), (api as any).token));
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: { code: "Common.0002", message: expect.any(String) } });
  });

  it("answers an unknown route with 404 APIGW.0101 and a request id, with or without credentials", async () => {
    const anonymous = await send({ url: `${server.url}/v9/nothing`, init: { method: "GET", headers: {} } });
    expectGatewayError(anonymous, 404, "APIGW.0101");
    const authenticated = await send(withToken("POST", p("/no-such-thing"), (api as any).token, {}));
    expectGatewayError(authenticated, 404, "APIGW.0101");
    expect(authenticated.requestId).not.toBe(anonymous.requestId);
  });

  it("answers a path with a broken percent-escape with 400 APIGW.0201 and a request id, not Fastify's own shape", async () => {
    for (const path of [p("/vpcs/a%20b:c%"), "/v2.0/ports/%E0%A4%A"]) {
      expectGatewayError(await send(withToken("GET", path, (api as any).token)), 400, "APIGW.0201");
    }
  });
});
