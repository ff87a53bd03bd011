/**
 * A fail-over drill as a user runs it: the server starts with `--faults FILE` saying "the bind answers Ecs.0010
 * twice", and the official ECS SDK sees exactly that: two ClientRequestExceptions with the code and a request id,
 * then a bind that works; nothing changed by the two refused binds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as ecs from "@huaweicloud/huaweicloud-sdk-ecs/v2/public-api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.js";
import { sample } from "../support/metrics.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

Logger4jInstance.level = "off";

describe("fault injection seen through the official SDK", () => {
  let server: TestServer;
  let client: ecs.EcsClient;
  let api: ApiClient;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-vip-faults-"));
    const faultsFile = join(dir, "faults.yaml");
    writeFileSync(faultsFile, "rules:\n  - { operation: associateServerVirtualIp, error: Ecs.0010, count: 2 }\n");
    server = await startTestServer({ buildMs: 0, faultsFile });
    const credentials = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(server.secretKey)
      .withProjectId(server.projectId);
    client = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    api = await ApiClient.login(server.url, server.projectId, server.password);
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails the bind twice with the injected code and a request id, then binds", async () => {
    const { vpcId, subnetId } = await createNetwork(api);
    const [vm] = await createServers(api, vpcId, subnetId, 1);
    const bind = () =>
      client.associateServerVirtualIp(
        new ecs.AssociateServerVirtualIpRequest(vm?.nicId).withBody(
          new ecs.AssociateServerVirtualIpRequestBody(
            new ecs.AssociateServerVirtualIpOption(subnetId, "192.168.0.100"),
          ),
        ),
      );
    const before = await server.store.read((tx) => tx.admin.dump());
    const requestIds: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await bind().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ClientRequestException);
      const exception = error as ClientRequestException;
      expect({ status: exception.httpStatusCode, code: exception.errorCode }).toEqual({
        status: 400,
        code: "Ecs.0010",
      });
      expect(exception.requestId).toMatch(/^[0-9a-f]{32}$/);
      requestIds.push(String(exception.requestId));
    }
    expect(new Set(requestIds).size).toBe(2);
    expect(await server.store.read((tx) => tx.admin.dump())).toEqual(before);

    const bound: any = await bind();
    expect(bound.port_id).toBe(vm?.nicId);
    const nic = (await api.call("GET", `/v2.0/ports/${vm?.nicId}`)).body.port;
    expect(nic.allowed_address_pairs.map((pair: any) => pair.ip_address)).toEqual(["192.168.0.100"]);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(
      sample(metrics, "ecs_vip_faults_injected_total", { operation: "associateServerVirtualIp", action: "error" }),
    ).toBe(2);
    expect(sample(metrics, "ecs_vip_vip_binds_total")).toBe(1);
    expect((await api.call("GET", "/ecs-vip/v1/faults")).body.rules).toEqual([]);
  });
});
