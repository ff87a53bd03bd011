import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, createServers, waitForJob } from "../../support/world.js";

let server: TestServer;
let api: ApiClient;
let net: Awaited<ReturnType<typeof createNetwork>>;

beforeAll(async () => {
  server = await startTestServer({ buildMs: 1000 });
  api = await ApiClient.login(server.url, server.projectId, server.password);
  net = await createNetwork(api);
});
afterAll(async () => server.dispose());

const dump = () => server.store.read((tx) => tx.admin.dump());

async function expectEcsError(method: string, path: string, body: unknown, status: number, code: string) {
  const before = await dump();
  const response = await api.call(method, path, body);
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(await dump()).toEqual(before);
}

const serverBody = (over: object = {}, nics: object[] = [{ subnet_id: "" }]) => ({
  server: {
    name: "web",
    imageRef: "image-1",
    flavorRef: "s6.small.1",
    vpcid: net.vpcId,
    nics: nics.map((nic) => ({
      subnet_id: net.subnetId,
      ...nic,
      ...("subnet_id" in nic && nic.subnet_id !== "" ? {} : { subnet_id: net.subnetId }),
    })),
    root_volume: { volumetype: "SSD" },
    ...over,
  },
});

describe("servers", () => {
  it("builds asynchronously: job RUNNING then SUCCESS, server BUILD then ACTIVE", async () => {
    const created = await api.call("POST", api.p("/cloudservers"), serverBody({ count: 2 }, [{ ip_address: "" }]));
    expect(created.status).toBe(200);
    expect(created.body.job_id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.body.serverIds).toHaveLength(2);
    const early = await api.call("GET", api.p(`/jobs/${created.body.job_id}`));
    expect(early.body.status).toBe("RUNNING");
    const building = await api.call("GET", api.p(`/cloudservers/${created.body.serverIds[0]}`));
    expect(building.body.server.status).toBe("BUILD");
    const job = await waitForJob(api, created.body.job_id);
    expect(job.entities.sub_jobs.map((s: any) => s.entities.server_id)).toEqual(created.body.serverIds);
    const shown = (await api.call("GET", api.p(`/cloudservers/${created.body.serverIds[1]}`))).body.server;
    expect(shown).toMatchObject({ name: "web-0002", status: "ACTIVE", "OS-EXT-AZ:availability_zone": "local-1a" });
    const nics = (await api.call("GET", api.p(`/cloudservers/${shown.id}/os-interface`))).body.interfaceAttachments;
    expect(nics).toHaveLength(1);
    expect(shown.addresses[net.vpcId][0]["OS-EXT-IPS:port_id"]).toBe(nics[0].port_id);
    const port = (await api.call("GET", `/v2.0/ports/${nics[0].port_id}`)).body.port;
    expect(port).toMatchObject({ device_owner: "compute:local-1a", device_id: shown.id, status: "ACTIVE" });
  });

  it("accepts the v1.1 path the SDK's createPostPaidServers may use", async () => {
    const created = await api.call("POST", `/v1.1/${server.projectId}/cloudservers`, serverBody());
    expect(created.status).toBe(200);
    await waitForJob(api, created.body.job_id);
  });

  it("rejects bad requests with ECS codes and writes nothing", async () => {
    await expectEcsError("POST", api.p("/cloudservers"), "", 400, "Common.0002");
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({ count: 0 }), 400, "Ecs.0005");
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({ count: 501 }), 400, "Ecs.0913");
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      serverBody({ root_volume: { volumetype: "FLOPPY" } }),
      400,
      "Ecs.0005",
    );
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({ vpcid: "nope" }), 400, "Ecs.0014");
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({}, [{ subnet_id: "nope" }]), 400, "Ecs.0038");
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      serverBody({}, [{ ip_address: "192.168.1.5" }]),
      400,
      "Ecs.0039",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      serverBody({}, [{ ip_address: "192.168.0.1" }]),
      400,
      "Ecs.0010",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      serverBody({}, [{ ip_address: "192.168.0.1x" }]),
      400,
      "Ecs.0005",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      serverBody({ availability_zone: "elsewhere" }),
      400,
      "Ecs.0005",
    );
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({}, Array(13).fill({})), 400, "Ecs.0050");
    await expectEcsError("GET", api.p("/cloudservers/nope"), undefined, 404, "Ecs.0114");
    await expectEcsError("GET", api.p("/jobs/nope"), undefined, 400, "Common.0011");
  });

  it("shows what the create request gave and every documented field; lists by ip, flavor, tags and reservation", async () => {
    const created = await api.call(
      "POST",
      api.p("/cloudservers"),
      serverBody(
        {
          name: "tagged",
          flavorRef: "s6.large.2",
          count: 2,
          key_name: "key-1",
          description: "keepalived pair",
          tags: ["team.blue", "env.prod"],
          user_data: "IyEvYmluL3NoCg==",
          "os:scheduler_hints": { group: ["g-1"] },
          metadata: { role: "lb", vpc_id: "not-this" },
        },
        [{}],
      ),
    );
    expect(created.status).toBe(200);
    await waitForJob(api, created.body.job_id);
    const [firstId, secondId] = created.body.serverIds as [string, string];
    const shown = (await api.call("GET", api.p(`/cloudservers/${firstId}`))).body.server;
    expect(shown).toMatchObject({
      key_name: "key-1",
      description: "keepalived pair",
      tags: ["team.blue", "env.prod"],
      host_status: "UP",
      "os:scheduler_hints": { group: ["g-1"] },
      "OS-EXT-SRV-ATTR:user_data": "IyEvYmluL3NoCg==",
      "OS-EXT-SRV-ATTR:launch_index": 0,
      "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
      metadata: { role: "lb", vpc_id: net.vpcId, "metering.image_id": "image-1", os_type: "Linux" },
    });
    expect(shown.user_id).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(shown.hostId).toMatch(/^[0-9a-f]{56}$/);
    expect(shown["OS-EXT-SRV-ATTR:reservation_id"]).toMatch(/^r-[0-9a-z]{8}$/);
    expect(shown["OS-SRV-USG:launched_at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    for (const key of [
      "OS-EXT-SRV-ATTR:host",
      "OS-EXT-SRV-ATTR:hypervisor_hostname",
      "OS-EXT-SRV-ATTR:instance_name",
    ]) {
      expect(typeof shown[key]).toBe("string");
    }
    const second = (await api.call("GET", api.p(`/cloudservers/${secondId}`))).body.server;
    expect(second["OS-EXT-SRV-ATTR:reservation_id"]).toBe(shown["OS-EXT-SRV-ATTR:reservation_id"]);
    expect(second["OS-EXT-SRV-ATTR:launch_index"]).toBe(1);

    const ids = async (query: string) =>
      (await api.call("GET", api.p(`/cloudservers/detail?${query}`))).body.servers.map((s: any) => s.id).sort();
    const pair = [firstId, secondId].sort();
    expect(await ids(`reservation_id=${shown["OS-EXT-SRV-ATTR:reservation_id"]}`)).toEqual(pair);
    expect(await ids("flavor=s6.large.2")).toEqual(pair);
    expect(await ids("tags=team.blue,env.prod")).toEqual(pair);
    expect(await ids("tags=team.blue,env.test")).toEqual([]);
    const firstIp = shown.addresses[net.vpcId][0].addr as string;
    expect(await ids(`ip=${firstIp}&flavor=s6.large.2`)).toEqual([firstId]);
    expect(await ids(`ip=${firstIp.split(".").slice(0, 3).join(".")}.&flavor=s6.large.2`)).toEqual(pair);
    await expectEcsError("POST", api.p("/cloudservers"), serverBody({ tags: ["no-dot"] }, [{}]), 400, "Ecs.0005");
    await expectEcsError("GET", api.p("/cloudservers/detail?limit=0"), undefined, 400, "Ecs.0005");
  });

  it("adds and deletes NICs; the primary NIC stays; a deleted NIC leaves its VIPs", async () => {
    const [srv, peer] = await createServers(api, net.vpcId, net.subnetId, 2);
    const added = await api.call("POST", api.p(`/cloudservers/${srv!.serverId}/nics`), {
      nics: [{ subnet_id: net.subnetId, ip_address: "192.168.0.150" }],
    });
    expect(added.status).toBe(200);
    const addJob = await waitForJob(api, added.body.job_id);
    const nics = (await api.call("GET", api.p(`/cloudservers/${srv!.serverId}/os-interface`))).body
      .interfaceAttachments;
    expect(nics.map((n: any) => n.fixed_ips[0].ip_address)).toEqual([srv!.ip, "192.168.0.150"]);
    const second = nics[1];
    // The job names the NIC it added, as the reference's entities.nic_id.
    expect(addJob).toMatchObject({
      status: "SUCCESS",
      job_type: "addNics",
      entities: {
        server_id: srv!.serverId,
        sub_jobs_total: 1,
        sub_jobs: [{ status: "SUCCESS", entities: { server_id: srv!.serverId, nic_id: second.port_id } }],
      },
    });
    await api.call("PUT", api.p(`/cloudservers/nics/${second.port_id}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.160", reverse_binding: true },
    });
    await api.call("PUT", api.p(`/cloudservers/nics/${peer!.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.160", reverse_binding: true },
    });
    await expectEcsError(
      "POST",
      api.p(`/cloudservers/${srv!.serverId}/nics/delete`),
      { nics: [{ id: srv!.nicId }] },
      403,
      "Ecs.0003",
    );
    await expectEcsError(
      "POST",
      api.p(`/cloudservers/${srv!.serverId}/nics/delete`),
      { nics: [{ id: peer!.nicId }] },
      400,
      "Ecs.0085",
    );
    const deleted = await api.call("POST", api.p(`/cloudservers/${srv!.serverId}/nics/delete`), {
      nics: [{ id: second.port_id }],
    });
    expect(deleted.status).toBe(200);
    const deleteJob = await waitForJob(api, deleted.body.job_id);
    expect(deleteJob.entities.sub_jobs.map((sub: any) => sub.entities.nic_id)).toEqual([second.port_id]);
    const vip = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.0.160")).body.ports[0];
    expect(vip.allowed_address_pairs).toEqual([{ ip_address: peer!.ip, mac_address: peer!.mac }]);
  });

  it("deleting a server deletes its NICs and removes their pairs from VIP ports", async () => {
    const [a, b] = await createServers(api, net.vpcId, net.subnetId, 2);
    for (const srv of [a!, b!]) {
      await api.call("PUT", api.p(`/cloudservers/nics/${srv.nicId}`), {
        nic: { subnet_id: net.subnetId, ip_address: "192.168.0.170", reverse_binding: true },
      });
    }
    await expectEcsError(
      "POST",
      api.p("/cloudservers/delete"),
      { servers: [{ id: a!.serverId }, { id: "nope" }] },
      404,
      "Ecs.0114",
    );
    const deleted = await api.call("POST", api.p("/cloudservers/delete"), {
      servers: [{ id: a!.serverId }],
      delete_publicip: true,
      delete_volume: true,
    });
    expect(deleted.status).toBe(200);
    expect((await api.call("GET", api.p(`/cloudservers/${a!.serverId}`))).status).toBe(404);
    expect((await api.call("GET", `/v2.0/ports/${a!.nicId}`)).status).toBe(404);
    const vip = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.0.170")).body.ports[0];
    expect(vip.allowed_address_pairs).toEqual([{ ip_address: b!.ip, mac_address: b!.mac }]);
  });
});

describe("dry run", () => {
  it("checks the request, answers 202 and creates nothing", async () => {
    const before = await dump();
    const response = await api.call("POST", api.p("/cloudservers"), { dry_run: true, ...serverBody({ count: 3 }) });
    expect(response.status).toBe(202);
    expect(await dump()).toEqual(before);
    await expectEcsError(
      "POST",
      api.p("/cloudservers"),
      { dry_run: true, ...serverBody({ vpcid: "nope" }) },
      400,
      "Ecs.0014",
    );
  });
});

describe("power actions", () => {
  it("stops and starts servers; a stopped server's NIC still takes a VIP", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId, 1);
    const stop = await api.call("POST", api.p("/cloudservers/action"), {
      "os-stop": { type: "SOFT", servers: [{ id: srv!.serverId }] },
    });
    expect(stop.status).toBe(200);
    expect((await waitForJob(api, stop.body.job_id)).status).toBe("SUCCESS");
    expect((await api.call("GET", api.p(`/cloudservers/${srv!.serverId}`))).body.server.status).toBe("SHUTOFF");
    expect((await api.call("GET", `/v2.0/ports/${srv!.nicId}`)).body.port.status).toBe("DOWN");
    const bound = await api.call("PUT", api.p(`/cloudservers/nics/${srv!.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.180" },
    });
    expect(bound.status).toBe(200);
    await expectEcsError(
      "POST",
      api.p("/cloudservers/action"),
      { reboot: { type: "SOFT", servers: [{ id: srv!.serverId }] } },
      400,
      "Ecs.0100",
    );
    const start = await api.call("POST", api.p("/cloudservers/action"), {
      "os-start": { servers: [{ id: srv!.serverId }] },
    });
    expect(start.status).toBe(200);
    expect((await api.call("GET", api.p(`/cloudservers/${srv!.serverId}`))).body.server.status).toBe("ACTIVE");
    expect((await api.call("GET", `/v2.0/ports/${srv!.nicId}`)).body.port.status).toBe("ACTIVE");
  });

  it("refuses a server still building, unknown servers and malformed actions, changing nothing", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId, 1);
    const building = await api.call("POST", api.p("/cloudservers"), serverBody());
    await expectEcsError(
      "POST",
      api.p("/cloudservers/action"),
      { "os-stop": { servers: [{ id: building.body.serverIds[0] }] } },
      400,
      "Ecs.0100",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers/action"),
      { "os-stop": { servers: [{ id: srv!.serverId }, { id: "nope" }] } },
      404,
      "Ecs.0114",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers/action"),
      { "os-stop": { servers: [{ id: srv!.serverId }] }, "os-start": { servers: [{ id: srv!.serverId }] } },
      400,
      "Ecs.0005",
    );
    await expectEcsError(
      "POST",
      api.p("/cloudservers/action"),
      { "os-pause": { servers: [{ id: srv!.serverId }] } },
      400,
      "Ecs.0005",
    );
    await waitForJob(api, building.body.job_id);
  });
});

describe("listing servers", () => {
  it("lists the project's servers with details, filtered by name and status, paged by page number", async () => {
    const other = await createNetwork(api, "192.168.0.0/24", "192.168.0.0/16");
    const created = await api.call("POST", api.p("/cloudservers"), {
      server: {
        name: "listed",
        imageRef: "image-1",
        flavorRef: "s6.small.1",
        vpcid: other.vpcId,
        nics: [{ subnet_id: other.subnetId }],
        root_volume: { volumetype: "SSD" },
        count: 3,
      },
    });
    await waitForJob(api, created.body.job_id);
    const all = await api.call("GET", api.p("/cloudservers/detail?name=listed-0002"));
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(1);
    expect(all.body.servers[0]).toMatchObject({ id: created.body.serverIds[1], name: "listed-0002", status: "ACTIVE" });
    expect(Object.keys(all.body.servers[0].addresses)).toEqual([other.vpcId]);
    const page2 = await api.call("GET", api.p("/cloudservers/detail?limit=2&offset=2&status=ACTIVE"));
    const everything = await api.call("GET", api.p("/cloudservers/detail?limit=1000&status=ACTIVE"));
    expect(page2.body.count).toBe(everything.body.count);
    expect(page2.body.servers.map((s: any) => s.id)).toEqual(everything.body.servers.slice(2, 4).map((s: any) => s.id));
    await expectEcsError("GET", api.p("/cloudservers/detail?limit=0"), undefined, 400, "Ecs.0005");
  });
});
