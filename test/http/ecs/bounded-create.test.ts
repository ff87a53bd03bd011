/**
 * Bounded work per request: a `count=500` creation writes its servers a chunk at a time, and other requests are
 * answered between two chunks. Asserted by order, not by time: a list sent after the creation started is answered
 * before the creation ends and sees some of its servers in BUILD, but not all.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_QUOTAS } from "../../../src/domain/quotas/quotas.js";
import { createInjectApp, type InjectApp } from "../../support/inject-app.js";

describe("a 500-server creation in chunks", () => {
  let h: InjectApp;
  let vpcId: string;
  let subnetId: string;
  const p = (path: string) => `/v1/${h.projectId}${path}`;
  const create = (count: number, name = "bulk") =>
    h.call("POST", p("/cloudservers"), {
      server: {
        name,
        imageRef: "image",
        flavorRef: "s6.small.1",
        vpcid: vpcId,
        nics: [{ subnet_id: subnetId }],
        root_volume: { volumetype: "SSD" },
        count,
      },
    });

  beforeAll(async () => {
    h = await createInjectApp({
      limits: {
        serverBuildMs: 0,
        quotas: { ...DEFAULT_QUOTAS, instances: 2000, cores: 2000, ramMb: 2000 * 1024 },
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    vpcId = (await h.call("POST", p("/vpcs"), { vpc: { name: "v", cidr: "10.0.0.0/16" } })).body.vpc.id;
    subnetId = (
      await h.call("POST", p("/subnets"), {
        subnet: { name: "s", cidr: "10.0.0.0/20", gateway_ip: "10.0.0.1", vpc_id: vpcId },
      })
    ).body.subnet.id;
  });

  it("answers another request between two chunks, which sees some servers of the creation, not all", async () => {
    const order: string[] = [];
    // The list is sent once the creation's first servers have committed (the store's change feed says when).
    let firstChunk!: () => void;
    const started = new Promise<void>((resolve) => {
      firstChunk = resolve;
    });
    const unsubscribe = h.store().changes.subscribe((change) => {
      if (change.servers.length > 0) firstChunk();
    });
    const creating = create(500).then((response) => {
      order.push("create");
      return response;
    });
    const listing = started.then(() =>
      h.call("GET", p("/cloudservers/detail?limit=1000")).then((response) => {
        order.push("list");
        return response;
      }),
    );
    const [created, listed] = await Promise.all([creating, listing]);
    unsubscribe();
    expect(order).toEqual(["list", "create"]);
    expect(created.status, created.text).toBe(200);
    expect(created.body.serverIds).toHaveLength(500);
    const seen = listed.body.count as number;
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(500);
    expect(listed.body.servers.every((server: { status: string }) => server.status === "BUILD")).toBe(true);
    // The job was not due while its servers were being written; it completes with all 500.
    const job = await h.call("GET", p(`/jobs/${created.body.job_id}`));
    expect(job.body.status).toBe("SUCCESS");
    const all = await h.call("GET", p("/cloudservers/detail?limit=1000"));
    expect(all.body.count).toBe(500);
    expect(all.body.servers.every((server: { status: string }) => server.status === "ACTIVE")).toBe(true);
    const names = new Set(all.body.servers.map((server: { name: string }) => server.name));
    expect(names.size).toBe(500);
  });

  it("a chunk that runs out of addresses removes every server of the request and fails its job", async () => {
    // A /24 holds 251 free addresses after the gateway and the reserved ones: chunk 6 of 300 cannot be placed.
    const small = (
      await h.call("POST", p("/subnets"), {
        subnet: { name: "small", cidr: "10.0.16.0/24", gateway_ip: "10.0.16.1", vpc_id: vpcId },
      })
    ).body.subnet.id;
    subnetId = small;
    const before = await h.dump();
    const refused = await create(300, "toomany");
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("Ecs.0012");
    const after = await h.dump();
    expect(after.servers).toEqual(before.servers);
    expect(after.ports).toEqual(before.ports);
    const failed = (after.jobs ?? []).filter((job) => job.status === "FAIL");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.server_ids).toBe("[]");
  });
});
