/** Every list is paged: Neutron ports default to 2,000 per answer, as the reference page says, and the next link keeps the caller's filters. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";

let harness: InjectApp;
let subnetId: string;
beforeAll(async () => {
  harness = await createInjectApp();
  const p = `/v1/${harness.projectId}`;
  const vpc = await harness.call("POST", `${p}/vpcs`, { vpc: { name: "v", cidr: "10.0.0.0/16" } });
  const subnet = await harness.call("POST", `${p}/subnets`, {
    subnet: { name: "s", cidr: "10.0.0.0/20", gateway_ip: "10.0.0.1", vpc_id: vpc.body.vpc.id },
  });
  subnetId = subnet.body.subnet.id;
  const server = {
    name: "srv",
    imageRef: "i",
    flavorRef: "f",
    vpcid: vpc.body.vpc.id,
    nics: [{ subnet_id: subnetId }, { subnet_id: subnetId }, { subnet_id: subnetId }],
    root_volume: { volumetype: "SSD" },
    count: 335,
  };
  // Two requests: one asks for at most 500 servers.
  for (const name of ["srv-a", "srv-b"]) {
    const created = await harness.call("POST", `${p}/cloudservers`, { server: { ...server, name } });
    expect(created.status).toBe(200);
  }
}, 60_000);
afterAll(async () => harness.close());

describe("port lists", () => {
  it("answer at most 2,000 ports without a limit, with a next link", async () => {
    const first = await harness.call("GET", "/v2.0/ports");
    expect(first.status).toBe(200);
    expect(first.body.ports).toHaveLength(2000);
    const next = new URL(first.body.ports_links[0].href);
    const rest = await harness.call("GET", `${next.pathname}${next.search}`);
    expect(rest.body.ports.length).toBe(3 + 2 * 335 * 3 - 2000);
    expect(rest.body.ports_links).toBeUndefined();
  });

  it("keep the filters in the next link", async () => {
    const first = await harness.call("GET", `/v2.0/ports?network_id=${subnetId}&device_owner=network:dhcp&limit=1`);
    expect(first.body.ports).toHaveLength(1);
    const next = new URL(first.body.ports_links[0].href);
    expect(next.searchParams.get("network_id")).toBe(subnetId);
    expect(next.searchParams.get("device_owner")).toBe("network:dhcp");
    const rest = await harness.call("GET", `${next.pathname}${next.search}`);
    expect(rest.body.ports).toEqual([]);
  });
});
