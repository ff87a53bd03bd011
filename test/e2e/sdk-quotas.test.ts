/** Quotas and server limits read through the official SDKs' own calls (VpcClient.listQuotas, EcsClient.showServerLimits). */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as ecs from "@huaweicloud/huaweicloud-sdk-ecs/v2/public-api.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QUOTAS } from "../../src/domain/quotas/quotas.js";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork, createServers } from "../support/world.js";

Logger4jInstance.level = "off";

describe("quotas and limits through the official SDK", () => {
  let server: TestServer;
  let vpcClient: vpc.VpcClient;
  let ecsClient: ecs.EcsClient;

  beforeAll(async () => {
    server = await startTestServer();
    const credentials = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(server.secretKey)
      .withProjectId(server.projectId);
    vpcClient = vpc.VpcClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    ecsClient = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    const api = await ApiClient.login(server.url, server.projectId, server.password);
    const net = await createNetwork(api);
    await createServers(api, net.vpcId, net.subnetId, 2);
  });
  afterAll(async () => server?.dispose());

  it("lists VPC quotas, all and by type", async () => {
    const all: any = await vpcClient.showQuota(new vpc.ShowQuotaRequest());
    expect(all.quotas.resources).toContainEqual({ type: "vpc", used: 1, quota: DEFAULT_QUOTAS.vpc, min: 0 });
    const subnets: any = await vpcClient.showQuota(new vpc.ShowQuotaRequest().withType("subnet"));
    expect(subnets.quotas.resources).toEqual([{ type: "subnet", used: 1, quota: DEFAULT_QUOTAS.subnet, min: 0 }]);
  });

  it("shows server limits with the instances, cores and RAM in use", async () => {
    const limits: any = await ecsClient.showServerLimits(new ecs.ShowServerLimitsRequest());
    expect(limits.absolute).toMatchObject({
      maxTotalInstances: DEFAULT_QUOTAS.instances,
      totalInstancesUsed: 2,
      totalCoresUsed: 2,
      totalRAMUsed: 2048,
    });
  });
});
