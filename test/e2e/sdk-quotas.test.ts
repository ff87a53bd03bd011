/**
 * Quotas and server limits read, and VPCs and subnets updated, through the official SDKs' own calls
 * (VpcClient.showQuota / updateVpc / updateSubnet, EcsClient.showServerLimits).
 */
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

describe("quotas, limits and VPC updates through the official SDK", () => {
  let server: TestServer;
  let vpcClient: vpc.VpcClient;
  let ecsClient: ecs.EcsClient;
  let net: Awaited<ReturnType<typeof createNetwork>>;

  beforeAll(async () => {
    server = await startTestServer();
    const credentials = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(server.secretKey)
      .withProjectId(server.projectId);
    vpcClient = vpc.VpcClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    ecsClient = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    const api = await ApiClient.login(server.url, server.projectId, server.password);
    net = await createNetwork(api);
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

  it("updates a VPC and a subnet, DNS list and DHCP options included", async () => {
    const vpcUpdated: any = await vpcClient.updateVpc(
      new vpc.UpdateVpcRequest(net.vpcId).withBody(
        new vpc.UpdateVpcRequestBody(new vpc.UpdateVpcOption().withName("vpc-renamed").withDescription("sdk")),
      ),
    );
    expect(vpcUpdated.vpc).toMatchObject({ id: net.vpcId, name: "vpc-renamed", description: "sdk" });
    const subnetUpdated: any = await vpcClient.updateSubnet(
      new vpc.UpdateSubnetRequest(net.vpcId, net.subnetId).withBody(
        new vpc.UpdateSubnetRequestBody(
          new vpc.UpdateSubnetOption("subnet-renamed")
            .withDnsList(["100.125.1.250"])
            .withExtraDhcpOpts([new vpc.ExtraDhcpOption("ntp").withOptValue("192.168.0.20")]),
        ),
      ),
    );
    expect(subnetUpdated.subnet).toEqual({ id: net.subnetId, status: "ACTIVE" });
    const shown: any = await vpcClient.showSubnet(new vpc.ShowSubnetRequest(net.subnetId));
    expect(shown.subnet).toMatchObject({
      name: "subnet-renamed",
      dnsList: ["100.125.1.250"],
      extra_dhcp_opts: [{ opt_name: "ntp", opt_value: "192.168.0.20" }],
    });
  });
});
