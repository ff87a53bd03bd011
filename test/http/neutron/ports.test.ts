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

const expectNeutronError = (method: string, path: string, body: unknown, status: number, type: string) =>
  expectRefused(suite, { method, path, body }, { status, code: type });

describe("Neutron ports", () => {
  it("creates a VIP port with a requested address and a full port body", async () => {
    const created = await api.call("POST", "/v2.0/ports", {
      port: {
        network_id: net.subnetId,
        name: "vip",
        device_owner: "neutron:VIP_PORT",
        fixed_ips: [{ ip_address: "192.168.0.77" }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.port).toMatchObject({
      name: "vip",
      network_id: net.subnetId,
      project_id: server.projectId,
      tenant_id: server.projectId,
      device_owner: "neutron:VIP_PORT",
      device_id: "",
      status: "DOWN",
      admin_state_up: true,
      fixed_ips: [{ subnet_id: net.subnet.neutron_subnet_id, ip_address: "192.168.0.77" }],
      allowed_address_pairs: [],
      port_security_enabled: true,
    });
    // A port created without groups joins the project's default group.
    const groups = await api.call("GET", "/v2.0/security-groups?name=default");
    expect(created.body.port.security_groups).toEqual([groups.body.security_groups[0].id]);
    expect(created.body.port.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(created.body.port.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("rejects a taken address, an address outside, an unknown network and a foreign owner", async () => {
    const holder = { port: { network_id: net.subnetId, fixed_ips: [{ ip_address: "192.168.0.78" }] } };
    expect((await api.call("POST", "/v2.0/ports", holder)).status).toBe(201);
    await expectNeutronError("POST", "/v2.0/ports", holder, 409, "IpAddressInUse");
    await expectNeutronError(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, fixed_ips: [{ ip_address: "192.168.9.7" }] } },
      400,
      "InvalidIpForSubnet",
    );
    await expectNeutronError("POST", "/v2.0/ports", { port: { network_id: "nope" } }, 404, "NetworkNotFound");
    await expectNeutronError(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, device_owner: "compute:x" } },
      400,
      "BadRequest",
    );
    await expectNeutronError(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, fixed_ips: [{ subnet_id: "other" }] } },
      400,
      "InvalidInput",
    );
  });

  it("PUT replaces allowed_address_pairs wholesale, filling in the port's MAC", async () => {
    const port = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } })).body.port;
    const updated = await api.call("PUT", `/v2.0/ports/${port.id}`, {
      port: {
        name: "renamed",
        allowed_address_pairs: [
          { ip_address: "10.0.0.1" },
          { ip_address: "10.0.1.0/24", mac_address: "FA:16:3E:00:00:01" },
        ],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.port.name).toBe("renamed");
    expect(updated.body.port.allowed_address_pairs).toEqual([
      { ip_address: "10.0.0.1", mac_address: port.mac_address },
      { ip_address: "10.0.1.0/24", mac_address: "fa:16:3e:00:00:01" },
    ]);
    expect(updated.body.port.revision_number).toBe(port.revision_number + 1);
    const cleared = await api.call("PUT", `/v2.0/ports/${port.id}`, { port: { allowed_address_pairs: [] } });
    expect(cleared.body.port.allowed_address_pairs).toEqual([]);
    await expectNeutronError(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { allowed_address_pairs: [{ ip_address: "0.0.0.0/0" }] } },
      400,
      "InvalidInput",
    );
    await expectNeutronError(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { allowed_address_pairs: [{ ip_address: "10.0.0.1", mac_address: "zz" }] } },
      400,
      "InvalidInput",
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ ip_address: `10.0.0.${i + 1}` }));
    await expectNeutronError(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { allowed_address_pairs: eleven } },
      400,
      "AllowedAddressPairExhausted",
    );
    await expectNeutronError("PUT", "/v2.0/ports/nope", { port: { name: "x" } }, 404, "PortNotFound");
  });

  it("stores extra_dhcp_opts (merged on update, a null value removes one) and binding:profile", async () => {
    const created = await api.call("POST", "/v2.0/ports", {
      port: {
        network_id: net.subnetId,
        extra_dhcp_opts: [
          { opt_name: "tftp-server", opt_value: "192.168.0.9" },
          { opt_name: "bootfile-name", opt_value: "pxelinux.0" },
        ],
        "binding:profile": { local_link_information: [{ port_id: "Ethernet1" }] },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.port.id;
    expect(created.body.port).toMatchObject({
      extra_dhcp_opts: [
        { opt_name: "tftp-server", opt_value: "192.168.0.9", ip_version: 4 },
        { opt_name: "bootfile-name", opt_value: "pxelinux.0", ip_version: 4 },
      ],
      "binding:profile": { local_link_information: [{ port_id: "Ethernet1" }] },
    });
    const updated = await api.call("PUT", `/v2.0/ports/${id}`, {
      port: {
        extra_dhcp_opts: [
          { opt_name: "bootfile-name", opt_value: null },
          { opt_name: "tftp-server", opt_value: "192.168.0.10" },
          { opt_name: "server-ip-address", opt_value: "192.168.0.11" },
        ],
        "binding:profile": {},
      },
    });
    expect(updated.body.port).toMatchObject({
      extra_dhcp_opts: [
        { opt_name: "tftp-server", opt_value: "192.168.0.10", ip_version: 4 },
        { opt_name: "server-ip-address", opt_value: "192.168.0.11", ip_version: 4 },
      ],
      "binding:profile": {},
      revision_number: created.body.port.revision_number + 1,
    });
    const v1 = await api.call("GET", api.p(`/ports/${id}`));
    expect(v1.body.port.extra_dhcp_opts).toEqual([
      { opt_name: "tftp-server", opt_value: "192.168.0.10" },
      { opt_name: "server-ip-address", opt_value: "192.168.0.11" },
    ]);
    await expectNeutronError(
      "PUT",
      `/v2.0/ports/${id}`,
      { port: { extra_dhcp_opts: [{ opt_name: "x" }] } },
      400,
      "BadRequest",
    );
    await expectNeutronError("PUT", `/v2.0/ports/${id}`, { port: { "binding:profile": "x" } }, 400, "BadRequest");
    expect((await api.call("DELETE", `/v2.0/ports/${id}`)).status).toBe(204);
  });

  it("filters by security group and pages backwards with page_reverse", async () => {
    const group = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "filter-sg" } })).body
      .security_group;
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await api.call("POST", "/v2.0/ports", {
        port: { network_id: net.subnetId, name: `sg-port-${i}`, security_groups: [group.id] },
      });
      made.push(port.body.port.id);
    }
    const inGroup = await api.call("GET", `/v2.0/ports?security_groups=${group.id}`);
    expect(inGroup.body.ports.map((p: any) => p.id).sort()).toEqual([...made].sort());
    expect((await api.call("GET", "/v2.0/ports?security_groups=nope")).body.ports).toEqual([]);
    const sorted = [...made].sort();
    const last = await api.call("GET", `/v2.0/ports?security_groups=${group.id}&limit=2&page_reverse=true`);
    expect(last.body.ports.map((p: any) => p.id)).toEqual(sorted.slice(1));
    expect(last.body.ports_links[0]).toMatchObject({ rel: "previous" });
    expect(last.body.ports_links[0].href).toContain(`marker=${sorted[1]}`);
    const before = await api.call(
      "GET",
      `/v2.0/ports?security_groups=${group.id}&limit=2&marker=${sorted[2]}&page_reverse=true`,
    );
    expect(before.body.ports.map((p: any) => p.id)).toEqual(sorted.slice(0, 2));
    for (const id of made) await api.call("DELETE", `/v2.0/ports/${id}`);
  });

  it("filters the list as the SDK and the OpenStack client do", async () => {
    const [srv] = await createServers(api, net.vpcId, net.subnetId, 1);
    const byIp = await api.call("GET", `/v2.0/ports?fixed_ips=ip_address%3D${srv!.ip}`);
    expect(byIp.body.ports.map((p: any) => p.id)).toEqual([srv!.nicId]);
    const byDevice = await api.call("GET", `/v2.0/ports?device_id=${srv!.serverId}&device_owner=compute:local-1a`);
    expect(byDevice.body.ports.map((p: any) => p.id)).toEqual([srv!.nicId]);
    const bySubnet = await api.call(
      "GET",
      `/v2.0/ports?fixed_ips=subnet_id%3D${net.subnet.neutron_subnet_id}&fixed_ips=ip_address%3D${srv!.ip}`,
    );
    expect(bySubnet.body.ports).toHaveLength(1);
    const fields = await api.call("GET", "/v2.0/ports?fields=id&fields=name&fields=security_group_ids");
    expect(fields.status).toBe(200);
    const other = await api.call("GET", `/v2.0/ports?project_id=${"f".repeat(32)}`);
    expect(other.body.ports).toEqual([]);
    const page = await api.call("GET", "/v2.0/ports?limit=2");
    expect(page.body.ports).toHaveLength(2);
    expect(page.body.ports_links[0].href).toContain(`marker=${page.body.ports[1].id}`);
    const next = await api.call("GET", `/v2.0/ports?limit=2&marker=${page.body.ports[1].id}`);
    expect(next.body.ports[0].id > page.body.ports[1].id).toBe(true);
  });

  it("deleting a VIP port removes the NICs' pairs for it; NIC and system ports cannot be deleted", async () => {
    const [a] = await createServers(api, net.vpcId, net.subnetId, 1);
    await api.call("PUT", api.p(`/cloudservers/nics/${a!.nicId}`), {
      nic: { subnet_id: net.subnetId, ip_address: "192.168.0.88", reverse_binding: true },
    });
    const vip = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.0.88")).body.ports[0];
    await expectNeutronError("DELETE", `/v2.0/ports/${a!.nicId}`, undefined, 409, "PortInUse");
    const dhcp = (await api.call("GET", "/v2.0/ports?device_owner=network:dhcp")).body.ports[0];
    await expectNeutronError("DELETE", `/v2.0/ports/${dhcp.id}`, undefined, 409, "PortInUse");
    expect((await api.call("DELETE", `/v2.0/ports/${vip.id}`)).status).toBe(204);
    expect((await api.call("GET", `/v2.0/ports/${a!.nicId}`)).body.port.allowed_address_pairs).toEqual([]);
    await expectNeutronError("GET", `/v2.0/ports/${vip.id}`, undefined, 404, "PortNotFound");
  });
});
