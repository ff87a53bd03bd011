import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, type Network, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";
import { createServers } from "../../support/world.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;
let net: Network;

beforeAll(async () => {
  suite = await openHttpSuite({ network: true });
  ({ server, api, net } = suite);
});
afterAll(async () => server.dispose());

const expectVpcError = (method: string, path: string, body: unknown, status: number, code: string) =>
  expectRefused(suite, { method, path, body }, { status, code }).then((response) =>
    expect(response.body.error_code).toBe(code),
  );

describe("VPC v1 ports", () => {
  it("creates a VIP port, shows and lists it, and the same port is seen through Neutron", async () => {
    const created = await api.call("POST", api.p("/ports"), {
      port: {
        network_id: net.subnetId,
        name: "vip-v1",
        device_owner: "neutron:VIP_PORT",
        fixed_ips: [{ subnet_id: net.subnet.neutron_subnet_id, ip_address: "192.168.0.88" }],
      },
    });
    expect(created.status).toBe(200);
    const port = created.body.port;
    expect(port).toMatchObject({
      name: "vip-v1",
      network_id: net.subnetId,
      tenant_id: server.projectId,
      device_owner: "neutron:VIP_PORT",
      device_id: "",
      status: "DOWN",
      admin_state_up: true,
      fixed_ips: [{ subnet_id: net.subnet.neutron_subnet_id, ip_address: "192.168.0.88" }],
      allowed_address_pairs: [],
      extra_dhcp_opts: [],
      "binding:vnic_type": "normal",
      port_security_enabled: true,
    });
    const shown = await api.call("GET", api.p(`/ports/${port.id}`));
    expect(shown.body.port).toEqual(port);
    const neutron = await api.call("GET", `/v2.0/ports/${port.id}`);
    expect(neutron.body.port).toMatchObject({ id: port.id, mac_address: port.mac_address });
    // Both APIs show the port's own groups (here the project's default group, joined at create).
    expect(port.security_groups).toHaveLength(1);
    expect(port.security_groups).toEqual(neutron.body.port.security_groups);

    const byIp = await api.call("GET", api.p("/ports?fixed_ips=ip_address=192.168.0.88"));
    expect(byIp.body.ports.map((p: any) => p.id)).toEqual([port.id]);
    const byOwner = await api.call("GET", api.p(`/ports?device_owner=neutron:VIP_PORT&network_id=${net.subnetId}`));
    expect(byOwner.body.ports.map((p: any) => p.id)).toContain(port.id);
    const down = await api.call("GET", api.p("/ports?admin_state_up=false"));
    expect(down.body.ports).toEqual([]);
    const byIds = await api.call("GET", api.p(`/ports?id=${port.id}&id=missing`));
    expect(byIds.body.ports.map((p: any) => p.id)).toEqual([port.id]);
    const paged = await api.call("GET", api.p("/ports?limit=1"));
    expect(paged.body.ports).toHaveLength(1);
    const next = await api.call("GET", api.p(`/ports?limit=1&marker=${paged.body.ports[0].id}`));
    expect(next.body.ports[0].id > paged.body.ports[0].id).toBe(true);
  });

  it("takes pairs as IPs, CIDRs and 1.1.1.1/0, with or without MAC, and replaces them on update", async () => {
    const [nic] = await createServers(api, net.vpcId, net.subnetId, 1);
    const vip = (await api.call("POST", api.p("/ports"), { port: { network_id: net.subnetId } })).body.port;
    const updated = await api.call("PUT", api.p(`/ports/${vip.id}`), {
      port: {
        name: "renamed",
        allowed_address_pairs: [
          { ip_address: nic!.ip },
          { ip_address: "10.1.0.0/16", mac_address: "FA:16:3E:00:00:AA" },
        ],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.port.name).toBe("renamed");
    expect(updated.body.port.allowed_address_pairs).toEqual([
      { ip_address: nic!.ip, mac_address: vip.mac_address },
      { ip_address: "10.1.0.0/16", mac_address: "fa:16:3e:00:00:aa" },
    ]);
    const open = await api.call("PUT", api.p(`/ports/${nic!.nicId}`), {
      port: { allowed_address_pairs: [{ ip_address: "1.1.1.1/0" }] },
    });
    expect(open.status).toBe(200);
    expect(open.body.port.allowed_address_pairs).toEqual([{ ip_address: "1.1.1.1/0", mac_address: nic!.mac }]);
    const cleared = await api.call("PUT", api.p(`/ports/${nic!.nicId}`), { port: { allowed_address_pairs: [] } });
    expect(cleared.body.port.allowed_address_pairs).toEqual([]);
  });

  it("refuses bad input with the VPC service's codes and changes nothing", async () => {
    const taken = "192.168.0.89";
    const holder = { port: { network_id: net.subnetId, fixed_ips: [{ ip_address: taken }] } };
    const some = await api.call("POST", api.p("/ports"), holder);
    expect(some.status).toBe(200);
    await expectVpcError(
      "POST",
      api.p("/ports"),
      { port: { network_id: net.subnetId, fixed_ips: [{ ip_address: taken }] } },
      409,
      "VPC.0701",
    );
    await expectVpcError(
      "POST",
      api.p("/ports"),
      { port: { network_id: net.subnetId, fixed_ips: [{ ip_address: "192.168.7.1" }] } },
      400,
      "VPC.0705",
    );
    await expectVpcError("POST", api.p("/ports"), { port: { network_id: "nope" } }, 404, "VPC.0202");
    await expectVpcError(
      "POST",
      api.p("/ports"),
      { port: { network_id: net.subnetId, device_owner: "compute:x" } },
      400,
      "VPC.2500",
    );
    await expectVpcError(
      "POST",
      api.p("/ports"),
      { port: { network_id: net.subnetId, allowed_address_pairs: [{ ip_address: "0.0.0.0/0" }] } },
      400,
      "VPC.2500",
    );
    await expectVpcError("POST", api.p("/ports"), { port: {} }, 400, "VPC.2500");
    await expectVpcError("GET", api.p("/ports/missing"), undefined, 404, "VPC.2501");
    await expectVpcError("PUT", api.p("/ports/missing"), { port: { name: "x" } }, 404, "VPC.2501");
    const pairs = Array.from({ length: 11 }, (_, i) => ({ ip_address: `10.9.0.${i + 1}` }));
    await expectVpcError(
      "PUT",
      api.p(`/ports/${some.body.port.id}`),
      { port: { allowed_address_pairs: pairs } },
      400,
      "VPC.2500",
    );
    const [nic] = await createServers(api, net.vpcId, net.subnetId, 1);
    await expectVpcError("DELETE", api.p(`/ports/${nic!.nicId}`), undefined, 409, "VPC.2502");
    await expectVpcError("GET", "/v1/fedcba9876543210fedcba9876543210/ports", undefined, 400, "VPC.0007");
  });

  it("deletes a VIP port and takes the NICs' pairs for it along", async () => {
    const [nic] = await createServers(api, net.vpcId, net.subnetId, 1);
    const bound = await api.call("PUT", api.p(`/cloudservers/nics/${nic!.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.99", reverse_binding: true },
    });
    expect(bound.status).toBe(200);
    const vip = (await api.call("GET", api.p("/ports?fixed_ips=ip_address=192.168.0.99"))).body.ports[0];
    const deleted = await api.call("DELETE", api.p(`/ports/${vip.id}`));
    expect(deleted.status).toBe(204);
    expect((await api.call("GET", api.p(`/ports/${vip.id}`))).status).toBe(404);
    const nicNow = await api.call("GET", api.p(`/ports/${nic!.nicId}`));
    expect(nicNow.body.port.allowed_address_pairs).toEqual([]);
  });
});
