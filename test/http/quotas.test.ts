import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QUOTAS } from "../../src/domain/quotas/quotas.js";
import { createInjectApp, type InjectApp, TEST_PROJECT_ID } from "../support/inject-app.js";

let app: InjectApp;
const p = (path: string) => `/v1/${TEST_PROJECT_ID}${path}`;

beforeAll(async () => {
  app = await createInjectApp({
    limits: { serverBuildMs: 0, quotas: { ...DEFAULT_QUOTAS, vpc: 2, subnet: 1, instances: 3, cores: 6, ramMb: 8192 } },
  });
});
afterAll(async () => app.close());

async function refused(method: string, url: string, body: unknown, status: number, code: string) {
  const before = await app.dump();
  const response = await app.call(method, url, body);
  expect(response.status).toBe(status);
  expect(response.body.code ?? response.body.error?.code).toBe(code);
  expect(await app.dump()).toEqual(before);
}

async function world() {
  const vpc = (await app.call("POST", p("/vpcs"), { vpc: { name: "q", cidr: "192.168.0.0/16" } })).body.vpc;
  const subnet = (
    await app.call("POST", p("/subnets"), {
      subnet: { name: "s", cidr: "192.168.0.0/24", gateway_ip: "192.168.0.1", vpc_id: vpc.id },
    })
  ).body.subnet;
  return { vpc, subnet };
}

function serverBody(vpcId: string, subnetId: string, flavorRef: string, count: number) {
  return {
    server: {
      name: "q",
      imageRef: "image",
      flavorRef,
      vpcid: vpcId,
      nics: [{ subnet_id: subnetId }],
      root_volume: { volumetype: "SSD" },
      count,
    },
  };
}

describe("quotas and limits", () => {
  it("reports VPC quotas with what is used, one type at a time, and refuses an unknown type", async () => {
    await app.reset();
    await world();
    const all = await app.call("GET", p("/quotas"));
    expect(all.status).toBe(200);
    expect(all.body.quotas.resources).toEqual([
      { type: "vpc", used: 1, quota: 2, min: 0 },
      { type: "subnet", used: 1, quota: 1, min: 0 },
      { type: "securityGroup", used: 0, quota: 100, min: 0 },
      { type: "securityGroupRule", used: 0, quota: 5000, min: 0 },
      { type: "publicIp", used: 0, quota: 10, min: 0 },
    ]);
    const one = await app.call("GET", p("/quotas?type=subnet"));
    expect(one.body).toEqual({ quotas: { resources: [{ type: "subnet", used: 1, quota: 1, min: 0 }] } });
    await refused("GET", p("/quotas?type=router"), undefined, 400, "VPC.1207");
  });

  it("refuses the VPC and subnet beyond the quota, changing nothing", async () => {
    await app.reset();
    const { vpc } = await world();
    expect((await app.call("POST", p("/vpcs"), { vpc: { name: "second" } })).status).toBe(200);
    await refused("POST", p("/vpcs"), { vpc: { name: "third" } }, 409, "VPC.0114");
    await refused(
      "POST",
      p("/subnets"),
      { subnet: { name: "s2", cidr: "192.168.1.0/24", gateway_ip: "192.168.1.1", vpc_id: vpc.id } },
      400,
      "VPC.0201",
    );
  });

  it("reports server limits on /cloudservers/limits (not taken for a server id) and refuses servers beyond them", async () => {
    await app.reset();
    const { vpc, subnet } = await world();
    const before = await app.call("GET", p("/cloudservers/limits"));
    expect(before.status).toBe(200);
    expect(before.body.absolute).toMatchObject({
      maxTotalInstances: 3,
      maxTotalCores: 6,
      maxTotalRAMSize: 8192,
      totalInstancesUsed: 0,
      totalCoresUsed: 0,
      totalRAMUsed: 0,
    });
    const created = await app.call("POST", p("/cloudservers"), serverBody(vpc.id, subnet.id, "s6.large.2", 2));
    expect(created.status).toBe(200);
    const after = await app.call("GET", p("/cloudservers/limits"));
    expect(after.body.absolute).toMatchObject({ totalInstancesUsed: 2, totalCoresUsed: 4, totalRAMUsed: 8192 });
    // One more instance fits the instance quota, but not the RAM; two more do not fit the instances.
    await refused("POST", p("/cloudservers"), serverBody(vpc.id, subnet.id, "s6.small.1", 2), 400, "Ecs.0001");
    await refused("POST", p("/cloudservers"), serverBody(vpc.id, subnet.id, "s6.xlarge.1", 1), 400, "Ecs.0001");
    await refused("POST", p("/cloudservers"), serverBody(vpc.id, subnet.id, "s6.small.1", 1), 400, "Ecs.0001");
  });
});
