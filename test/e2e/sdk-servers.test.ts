/**
 * Server fields and list filters, and the NIC ids of a NIC job, through the official ECS SDK (`EcsClient` v2 of
 * @huaweicloud/huaweicloud-sdk-ecs): createPostPaidServers with key, tags, description, user data and scheduler
 * hints; showServer; listServersDetails by ip, flavor, tags and reservation_id; batchAddServerNics and showJob.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as ecs from "@huaweicloud/huaweicloud-sdk-ecs/v2/public-api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createNetwork } from "../support/world.js";

Logger4jInstance.level = "off";

let server: TestServer;
let client: ecs.EcsClient;
let net: Awaited<ReturnType<typeof createNetwork>>;

beforeAll(async () => {
  server = await startTestServer({ buildMs: 100 });
  const credentials = new BasicCredentials()
    .withAk(server.accessKey)
    .withSk(server.secretKey)
    .withProjectId(server.projectId);
  client = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
  net = await createNetwork(await ApiClient.login(server.url, server.projectId, server.password));
});
afterAll(async () => server?.dispose());

async function jobDone(jobId: string): Promise<any> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job: any = await client.showJob(new ecs.ShowJobRequest(jobId));
    if (job.status !== "RUNNING" && job.status !== "INIT") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("servers through the official ECS SDK", () => {
  it("shows what the create request gave, filters the list, and names the NIC a NIC job added", async () => {
    const created: any = await client.createPostPaidServers(
      new ecs.CreatePostPaidServersRequest().withBody(
        new ecs.CreatePostPaidServersRequestBody(
          new ecs.PostPaidServer(
            "s6.large.2",
            "image-1",
            "sdk-web",
            [new ecs.PostPaidServerNic().withSubnetId(net.subnetId)],
            new ecs.PostPaidServerRootVolume("SSD").withSize(40),
            net.vpcId,
          )
            .withCount(2)
            .withKeyName("key-sdk")
            .withTags(["team.blue"])
            .withDescription("from the SDK")
            .withUserData("IyEvYmluL3NoCg==")
            .withOsSchedulerHints(new ecs.PostPaidServerSchedulerHints().withGroup("group-1")),
        ),
      ),
    );
    expect((await jobDone(created.job_id)).status).toBe("SUCCESS");
    const [firstId, secondId] = created.serverIds as [string, string];
    const shown: any = (await client.showServer(new ecs.ShowServerRequest(firstId))).server;
    expect(shown).toMatchObject({
      key_name: "key-sdk",
      tags: ["team.blue"],
      description: "from the SDK",
      host_status: "UP",
    });
    expect(shown.user_id).toBeTruthy();
    expect(shown.hostId).toMatch(/^[0-9a-f]{56}$/);
    expect(shown["OS-EXT-SRV-ATTR:user_data"] ?? shown.OS_EXT_SRV_ATTR_user_data).toBe("IyEvYmluL3NoCg==");

    const ids = async (request: ecs.ListServersDetailsRequest) =>
      ((await client.listServersDetails(request)) as any).servers.map((s: any) => s.id).sort();
    const pair = [firstId, secondId].sort();
    expect(await ids(new ecs.ListServersDetailsRequest().withFlavor("s6.large.2"))).toEqual(pair);
    expect(await ids(new ecs.ListServersDetailsRequest().withTags("team.blue"))).toEqual(pair);
    expect(await ids(new ecs.ListServersDetailsRequest().withTags("team.red"))).toEqual([]);
    const reservation = shown["OS-EXT-SRV-ATTR:reservation_id"] ?? shown.OS_EXT_SRV_ATTR_reservation_id;
    expect(await ids(new ecs.ListServersDetailsRequest().withReservationId(reservation))).toEqual(pair);
    const ip = (Object.values(shown.addresses)[0] as any[])[0].addr as string;
    expect(await ids(new ecs.ListServersDetailsRequest().withIp(ip).withFlavor("s6.large.2"))).toEqual([firstId]);

    const added: any = await client.batchAddServerNics(
      new ecs.BatchAddServerNicsRequest(firstId).withBody(
        new ecs.BatchAddServerNicsRequestBody([new ecs.BatchAddServerNicOption().withSubnetId(net.subnetId)]),
      ),
    );
    const job = await jobDone(added.job_id);
    const nics: any = await client.listServerInterfaces(new ecs.ListServerInterfacesRequest(firstId));
    const newNic = nics.interfaceAttachments[1].port_id;
    expect(job.entities.sub_jobs.map((sub: any) => sub.entities.nic_id)).toEqual([newNic]);
  });
});
