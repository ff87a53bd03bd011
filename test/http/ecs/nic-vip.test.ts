import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../support/client.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createNetwork, createServers } from "../../support/world.js";

let server: TestServer;
let api: ApiClient;
let net: Awaited<ReturnType<typeof createNetwork>>;
let nics: Awaited<ReturnType<typeof createServers>>;

beforeAll(async () => {
  server = await startTestServer();
  api = await ApiClient.login(server.url, server.projectId, server.password);
  net = await createNetwork(api);
  nics = await createServers(api, net.vpcId, net.subnetId, 3);
});
afterAll(async () => server.dispose());

const bind = (nicId: string, nic: Record<string, unknown>) =>
  api.call("PUT", api.p(`/cloudservers/nics/${nicId}`), { nic });

async function port(id: string) {
  return (await api.call("GET", `/v2.0/ports/${id}`)).body.port;
}

async function portByIp(ip: string) {
  const ports = (await api.call("GET", `/v2.0/ports?fixed_ips=ip_address=${ip}`)).body.ports;
  expect(ports.length).toBeLessThanOrEqual(1);
  return ports[0];
}

async function dump() {
  return server.store.read((tx) => tx.admin.dump());
}

/** NICs of new servers in the shared network, so a test depends on no state another test left behind. */
type Nic = (typeof nics)[number];
async function freshNics(count: number): Promise<Nic[]> {
  return createServers(api, net.vpcId, net.subnetId, count);
}

describe("binding a virtual IP", () => {
  it("creates the VIP port in the same request and pairs both sides with reverse_binding", async () => {
    const [a, b] = (await freshNics(2)) as [Nic, Nic];
    expect(
      (await bind(a.nicId, { subnet_id: net.subnetId, ip_address: "192.168.0.100", reverse_binding: true })).body,
    ).toEqual({
      port_id: a.nicId,
    });
    const second = await bind(b.nicId, {
      subnet_id: net.subnetId,
      ip_address: "192.168.0.100",
      reverse_binding: true,
    });
    expect(second.status).toBe(200);

    const vip = await portByIp("192.168.0.100");
    expect(vip.device_owner).toBe("neutron:VIP_PORT");
    expect(vip.device_id).toBe("");
    expect(vip.status).toBe("DOWN");
    expect(vip.fixed_ips).toEqual([{ subnet_id: net.subnet.neutron_subnet_id, ip_address: "192.168.0.100" }]);
    expect(vip.allowed_address_pairs).toEqual([
      { ip_address: a.ip, mac_address: a.mac },
      { ip_address: b.ip, mac_address: b.mac },
    ]);
    expect((await port(a.nicId)).allowed_address_pairs).toEqual([{ ip_address: "192.168.0.100", mac_address: a.mac }]);
  });

  it("is idempotent: binding again answers 200 and changes nothing", async () => {
    const [a] = (await freshNics(1)) as [Nic];
    const first = await bind(a.nicId, { subnet_id: net.subnetId, ip_address: "192.168.0.101", reverse_binding: true });
    expect(first.status).toBe(200);
    const before = await dump();
    const again = await bind(a.nicId, {
      subnet_id: net.subnetId,
      ip_address: "192.168.0.101",
      reverse_binding: true,
    });
    expect(again.status).toBe(200);
    expect(await dump()).toEqual(before);
  });

  it("reuses an existing unowned private IP and leaves its owner as it is", async () => {
    const [c] = (await freshNics(1)) as [Nic];
    const assigned = await api.call("POST", api.p("/privateips"), {
      privateips: [{ subnet_id: net.subnetId, ip_address: "192.168.0.50" }],
    });
    expect(assigned.status).toBe(200);
    expect((await bind(c.nicId, { subnet_id: net.subnetId, ip_address: "192.168.0.50" })).status).toBe(200);
    const vip = await portByIp("192.168.0.50");
    expect(vip.id).toBe(assigned.body.privateips[0].id);
    expect(vip.device_owner).toBe("");
    expect(vip.allowed_address_pairs).toEqual([]);
  });

  it("unbind removes this NIC's bindings on both sides and keeps hand-set pairs", async () => {
    const [a, b] = (await freshNics(2)) as [Nic, Nic];
    for (const nic of [a, b]) {
      const bound = await bind(nic.nicId, {
        subnet_id: net.subnetId,
        ip_address: "192.168.0.102",
        reverse_binding: true,
      });
      expect(bound.status).toBe(200);
    }
    const manual = await api.call("PUT", `/v2.0/ports/${a.nicId}`, {
      port: {
        allowed_address_pairs: [{ ip_address: "192.168.0.102", mac_address: a.mac }, { ip_address: "10.9.9.9" }],
      },
    });
    expect(manual.status).toBe(200);
    expect((await bind(a.nicId, { subnet_id: "", ip_address: "" })).status).toBe(200);
    expect((await port(a.nicId)).allowed_address_pairs).toEqual([{ ip_address: "10.9.9.9", mac_address: a.mac }]);
    expect((await portByIp("192.168.0.102")).allowed_address_pairs).toEqual([{ ip_address: b.ip, mac_address: b.mac }]);
    expect((await bind(a.nicId, { subnet_id: "", ip_address: "" })).status).toBe(200);
  });
});

describe("rejected binds answer the cloud's code and change nothing", () => {
  const cases: [string, () => { nicId: string; body: unknown; path?: string }, number, string][] = [
    ["empty body", () => ({ nicId: nics[0]!.nicId, body: "" }), 400, "Common.0002"],
    ["invalid JSON", () => ({ nicId: nics[0]!.nicId, body: "{nic" }), 400, "Ecs.0005"],
    ["nic missing", () => ({ nicId: nics[0]!.nicId, body: {} }), 400, "Ecs.0005"],
    [
      "only one blank",
      () => ({ nicId: nics[0]!.nicId, body: { nic: { subnet_id: net.subnetId, ip_address: "" } } }),
      400,
      "Ecs.0005",
    ],
    [
      "reverse_binding not boolean",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9", reverse_binding: "true" } },
      }),
      400,
      "Ecs.0005",
    ],
    ...["192.168.0.256", "192.168.000.7", "::1", " 192.168.0.7", "192.168.0.7/32"].map(
      (ip) =>
        [
          `ip ${JSON.stringify(ip)}`,
          () => ({ nicId: nics[0]!.nicId, body: { nic: { subnet_id: net.subnetId, ip_address: ip } } }),
          400,
          "Ecs.0005",
        ] as [string, () => { nicId: string; body: unknown }, number, string],
    ),
    [
      "project mismatch",
      () => ({
        nicId: nics[0]!.nicId,
        path: `/v1/${"0".repeat(32)}/cloudservers/nics/${nics[0]!.nicId}`,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9" } },
      }),
      400,
      "Ecs.0023",
    ],
    [
      "unknown NIC",
      () => ({
        nicId: "00000000-0000-0000-0000-000000000000",
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9" } },
      }),
      400,
      "Ecs.0307",
    ],
    [
      "port that is not a NIC",
      () => ({ nicId: "VIP", body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.9" } } }),
      400,
      "Ecs.0085",
    ],
    [
      "unknown subnet",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnet.neutron_subnet_id, ip_address: "192.168.0.9" } },
      }),
      400,
      "Ecs.0038",
    ],
    [
      "outside the CIDR",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.1.9" } },
      }),
      400,
      "Ecs.0039",
    ],
    [
      "network address",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.0" } },
      }),
      400,
      "Ecs.0039",
    ],
    [
      "broadcast address",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.255" } },
      }),
      400,
      "Ecs.0039",
    ],
    [
      "gateway address",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.1" } },
      }),
      400,
      "Ecs.0010",
    ],
    [
      "DHCP address",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.254" } },
      }),
      400,
      "Ecs.0010",
    ],
    [
      "system address",
      () => ({
        nicId: nics[0]!.nicId,
        body: { nic: { subnet_id: net.subnetId, ip_address: "192.168.0.253" } },
      }),
      400,
      "Ecs.0010",
    ],
    [
      "the NIC's own address",
      () => ({ nicId: nics[0]!.nicId, body: { nic: { subnet_id: net.subnetId, ip_address: nics[0]!.ip } } }),
      400,
      "Ecs.0010",
    ],
    [
      "another NIC's address",
      () => ({ nicId: nics[0]!.nicId, body: { nic: { subnet_id: net.subnetId, ip_address: nics[1]!.ip } } }),
      400,
      "Ecs.0010",
    ],
  ];

  for (const [name, make, status, code] of cases) {
    it(name, async () => {
      let { nicId, body, path } = make();
      if (nicId === "VIP") {
        // A VIP port of its own (binding it again changes nothing), whatever ran before.
        const vip = await bind(nics[1]!.nicId, { subnet_id: net.subnetId, ip_address: "192.168.0.90" });
        expect(vip.status).toBe(200);
        nicId = (await portByIp("192.168.0.90")).id;
      }
      const before = await dump();
      const response = await api.call("PUT", path ?? api.p(`/cloudservers/nics/${nicId}`), body);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(typeof response.body.error.message).toBe("string");
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
      expect(await dump()).toEqual(before);
    });
  }

  it("a subnet of another VPC is Ecs.0014", async () => {
    const other = await api.call("POST", api.p("/vpcs"), { vpc: { name: "other", cidr: "10.0.0.0/16" } });
    const subnet = await api.call("POST", api.p("/subnets"), {
      subnet: { name: "o", cidr: "10.0.1.0/24", gateway_ip: "10.0.1.1", vpc_id: other.body.vpc.id },
    });
    const before = await dump();
    const response = await bind(nics[0]!.nicId, { subnet_id: subnet.body.subnet.id, ip_address: "10.0.1.9" });
    expect(response.body.error.code).toBe("Ecs.0014");
    expect(await dump()).toEqual(before);
  });

  it("more than 10 pairs on a port is Ecs.0213 and writes nothing", async () => {
    const [nic] = (await freshNics(1)) as [Nic];
    for (let i = 0; i < 10; i++) {
      expect((await bind(nic.nicId, { subnet_id: net.subnetId, ip_address: `192.168.0.${200 + i}` })).status).toBe(200);
    }
    expect((await port(nic.nicId)).allowed_address_pairs).toHaveLength(10);
    const before = await dump();
    const response = await bind(nic.nicId, { subnet_id: net.subnetId, ip_address: "192.168.0.220" });
    expect(response.body.error.code).toBe("Ecs.0213");
    expect(await dump()).toEqual(before);
    expect(await portByIp("192.168.0.220")).toBeUndefined();
  });
});
