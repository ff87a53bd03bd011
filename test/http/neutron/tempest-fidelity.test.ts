import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../support/client.js";
import { expectRefused, type HttpSuite, type Network, openHttpSuite } from "../../support/http-suite.js";
import type { TestServer } from "../../support/server.js";

let suite: HttpSuite;
let server: TestServer;
let api: ApiClient;
let net: Network;

beforeAll(async () => {
  suite = await openHttpSuite({ network: true });
  ({ server, api, net } = suite);
});
afterAll(async () => server.dispose());

const refused = (method: string, path: string, body: unknown, status: number, type: string) =>
  expectRefused(suite, { method, path, body }, { status, code: type });

describe("Neutron bulk create", () => {
  it("creates networks, subnets and ports in bulk, and a refused item leaves nothing behind", async () => {
    const networks = await api.call("POST", "/v2.0/networks", { networks: [{ name: "b1" }, { name: "b2" }] });
    expect(networks.status).toBe(201);
    const [one, two] = networks.body.networks;
    expect([one.name, two.name]).toEqual(["b1", "b2"]);
    const subnets = await api.call("POST", "/v2.0/subnets", {
      subnets: [
        { network_id: one.id, cidr: "10.70.0.0/24" },
        { network_id: two.id, cidr: "10.71.0.0/24" },
      ],
    });
    expect(subnets.status).toBe(201);
    expect(subnets.body.subnets.map((s: any) => s.cidr)).toEqual(["10.70.0.0/24", "10.71.0.0/24"]);
    // Items bare or wrapped in their resource key: Neutron takes both.
    const ports = await api.call("POST", "/v2.0/ports", {
      ports: [{ network_id: one.id }, { port: { network_id: two.id } }],
    });
    expect(ports.status).toBe(201);
    expect(ports.body.ports.map((p: any) => p.network_id)).toEqual([one.id, two.id]);
    await refused(
      "POST",
      "/v2.0/ports",
      { ports: [{ network_id: one.id }, { network_id: "missing" }] },
      404,
      "NetworkNotFound",
    );
    await refused(
      "POST",
      "/v2.0/subnets",
      {
        subnets: [
          { network_id: one.id, cidr: "10.72.0.0/24" },
          { network_id: two.id, cidr: "10.71.0.0/25" },
        ],
      },
      400,
      "InvalidInput",
    );
  });
});

describe("Neutron ports as tempest uses them", () => {
  it("takes a MAC of the caller's choosing once per network, several fixed IPs, and admin_state_up updates", async () => {
    const mac = "fa:16:3e:00:11:22";
    const port = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, mac_address: mac } })).body
      .port;
    expect(port.mac_address).toBe(mac);
    await refused(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, mac_address: mac.toUpperCase() } },
      409,
      "MacAddressInUse",
    );
    await refused(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, mac_address: "nope" } },
      400,
      "InvalidInput",
    );
    const down = await api.call("PUT", `/v2.0/ports/${port.id}`, { port: { admin_state_up: false } });
    expect(down.body.port).toMatchObject({ admin_state_up: false, revision_number: 1 });
    const two = await api.call("PUT", `/v2.0/ports/${port.id}`, {
      port: { fixed_ips: [...port.fixed_ips, { subnet_id: port.fixed_ips[0].subnet_id, ip_address: "192.168.0.200" }] },
    });
    expect(two.body.port.fixed_ips).toEqual([
      ...port.fixed_ips,
      expect.objectContaining({ ip_address: "192.168.0.200" }),
    ]);
    // The address given up is free again: another port takes it.
    const one = await api.call("PUT", `/v2.0/ports/${port.id}`, {
      port: { fixed_ips: [{ ip_address: "192.168.0.200" }] },
    });
    expect(one.body.port.fixed_ips.map((ip: any) => ip.ip_address)).toEqual(["192.168.0.200"]);
    const taker = await api.call("POST", "/v2.0/ports", {
      port: { network_id: net.subnetId, fixed_ips: [{ ip_address: port.fixed_ips[0].ip_address }] },
    });
    expect(taker.status).toBe(201);
    const bySubstring = (await api.call("GET", "/v2.0/ports?fixed_ips=ip_address_substr=0.200")).body.ports;
    expect(bySubstring.map((p: any) => p.id)).toEqual([port.id]);
    await refused(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { fixed_ips: [{ ip_address: port.fixed_ips[0].ip_address }] } },
      409,
      "IpAddressInUse",
    );
  });

  it("answers only the fields asked for, on lists and shows, and takes Python's True in filters", async () => {
    const shown = await api.call("GET", `/v2.0/networks/${net.subnetId}?fields=id&fields=name`);
    expect(Object.keys(shown.body.network).sort()).toEqual(["id", "name"]);
    const ports = (await api.call("GET", "/v2.0/ports?fields=id&fields=mac_address")).body.ports;
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(Object.keys(port).sort()).toEqual(["id", "mac_address"]);
    const subnets = (await api.call("GET", "/v2.0/subnets?fields=id&fields=network_id")).body.subnets;
    for (const subnet of subnets) expect(Object.keys(subnet).sort()).toEqual(["id", "network_id"]);
    const external = (await api.call("GET", "/v2.0/networks?router:external=True")).body.networks;
    expect(external.map((n: any) => n.name)).toEqual(["admin_external_net"]);
    const shownExternal = await api.call("GET", `/v2.0/networks/${external[0].id}`);
    expect(shownExternal.body.network["router:external"]).toBe(true);
  });

  it("sorts and pages any collection, with links both ways", async () => {
    for (const name of ["s-c", "s-a", "s-b"]) await api.call("POST", "/v2.0/networks", { network: { name } });
    const sorted = (await api.call("GET", "/v2.0/networks?sort_key=name&sort_dir=desc&fields=name")).body.networks;
    const names = sorted.map((n: any) => n.name).filter((name: string) => name.startsWith("s-"));
    expect(names).toEqual(["s-c", "s-b", "s-a"]);
    const first = await api.call("GET", "/v2.0/networks?sort_key=name&sort_dir=asc&limit=1");
    expect(first.body.networks).toHaveLength(1);
    expect(first.body.networks_links[0].rel).toBe("next");
    const next = await api.call("GET", first.body.networks_links[0].href.replace(server.url, ""));
    expect(next.body.networks[0].name > first.body.networks[0].name).toBe(true);
    expect(next.body.networks_links.map((link: any) => link.rel)).toContain("previous");
    const ports = (await api.call("GET", "/v2.0/ports?sort_key=mac_address&sort_dir=desc&fields=mac_address")).body
      .ports;
    const macs = ports.map((p: any) => p.mac_address);
    expect(macs.length).toBeGreaterThan(1);
    expect(macs).toEqual([...macs].sort().reverse());
    const groups = await api.call("GET", "/v2.0/security-groups?sort_key=name&limit=1&fields=name");
    expect(groups.body.security_groups).toHaveLength(1);
    expect(groups.body.security_groups_links[0].href).toContain("/v2.0/security-groups?");
    const future = await api.call("GET", "/v2.0/networks?changed_since=2999-01-01T00:00:00Z");
    expect(future.body.networks).toEqual([]);
    const past = await api.call("GET", "/v2.0/networks?changed_since=2000-01-01T00:00:00Z");
    expect(past.body.networks.length).toBeGreaterThan(0);
    await refused("GET", "/v2.0/networks?changed_since=yesterday", undefined, 400, "InvalidInput");
  });
});

describe("Neutron subnets", () => {
  it("takes gateway_ip null and enable_dhcp false (DHCP stays on, as the reference has it)", async () => {
    const network = (await api.call("POST", "/v2.0/networks", { network: { name: "gwless" } })).body.network;
    const created = await api.call("POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, cidr: "10.80.0.0/24", gateway_ip: null, enable_dhcp: false },
    });
    expect(created.status).toBe(201);
    expect(created.body.subnet).toMatchObject({ gateway_ip: null, enable_dhcp: true });
    const ports = (await api.call("GET", `/v2.0/ports?network_id=${network.id}`)).body.ports;
    expect(ports.map((p: any) => p.fixed_ips[0].ip_address).sort()).toEqual(["10.80.0.253", "10.80.0.254"]);
    const shown = (await api.call("GET", `/v2.0/networks/${network.id}`)).body.network;
    expect(shown.revision_number).toBe(1);
    await api.call("PUT", `/v2.0/subnets/${created.body.subnet.id}`, { subnet: { name: "renamed" } });
    expect((await api.call("GET", `/v2.0/networks/${network.id}`)).body.network.revision_number).toBe(2);
  });
});

describe("security group rules as Neutron takes them", () => {
  it("takes protocol names and numbers (JSON numbers too) and answers Neutron's texts for bad ranges", async () => {
    const group = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "proto" } })).body
      .security_group;
    const rule = (body: Record<string, unknown>) =>
      api.call("POST", "/v2.0/security-group-rules", {
        security_group_rule: { security_group_id: group.id, direction: "ingress", ...body },
      });
    for (const protocol of ["egp", "udplite", "vrrp"]) expect((await rule({ protocol })).status).toBe(201);
    const numbered = await rule({ protocol: 17 });
    expect(numbered.status).toBe(201);
    expect(numbered.body.security_group_rule.protocol).toBe("17");
    const bad = async (body: Record<string, unknown>, text: string) => {
      const response = await refused(
        "POST",
        "/v2.0/security-group-rules",
        { security_group_rule: { security_group_id: group.id, direction: "ingress", ...body } },
        400,
        "InvalidInput",
      );
      expect(response.body.NeutronError.message).toContain(text);
    };
    await bad({ protocol: "tcp", port_range_min: -16, port_range_max: 80 }, "Invalid value for port -16");
    await bad({ protocol: "tcp", port_range_min: 80, port_range_max: 79 }, "port_range_min must be <= port_range_max");
    await bad({ protocol: "tcp", port_range_max: 6 }, "port_range_min must be <= port_range_max");
    await bad({ protocol: "icmp", port_range_min: 1, port_range_max: 256 }, "Invalid value for ICMP code");
    await bad({ protocol: "icmp", port_range_max: 6 }, "ICMP type (port-range-min) is missing");
    await bad({ protocol: "icmp", port_range_min: 300, port_range_max: 1 }, "Invalid value for ICMP type");
  });
});

describe("revisions", () => {
  it("bumps a group's revision with each rule, and answers 412 to a stale If-Match on ports, networks and groups", async () => {
    const group = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "rev" } })).body
      .security_group;
    const rule = await api.call("POST", "/v2.0/security-group-rules", {
      security_group_rule: { security_group_id: group.id, direction: "ingress", protocol: "tcp" },
    });
    const bumped = (await api.call("GET", `/v2.0/security-groups/${group.id}`)).body.security_group;
    expect(bumped.revision_number).toBe(group.revision_number + 1);
    await api.call("DELETE", `/v2.0/security-group-rules/${rule.body.security_group_rule.id}`);
    expect((await api.call("GET", `/v2.0/security-groups/${group.id}`)).body.security_group.revision_number).toBe(
      group.revision_number + 2,
    );
    const port = (await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId } })).body.port;
    const put = (path: string, body: unknown, revision: number) =>
      fetch(`${server.url}${path}`, {
        method: "PUT",
        headers: {
          "X-Auth-Token": api.token,
          "Content-Type": "application/json",
          "If-Match": `revision_number=${revision}`,
        },
        body: JSON.stringify(body),
      });
    const stale = await put(`/v2.0/ports/${port.id}`, { port: { name: "x" } }, port.revision_number + 3);
    expect(stale.status).toBe(412);
    expect((await stale.json()).NeutronError.type).toBe("PreconditionFailed");
    expect((await put(`/v2.0/ports/${port.id}`, { port: { name: "x" } }, port.revision_number)).status).toBe(200);
    const network = (await api.call("POST", "/v2.0/networks", { network: { name: "rev" } })).body.network;
    expect((await put(`/v2.0/networks/${network.id}`, { network: { name: "y" } }, 5)).status).toBe(412);
    expect((await put(`/v2.0/networks/${network.id}`, { network: { name: "y" } }, -1)).status).toBe(412);
    expect((await put(`/v2.0/security-groups/${group.id}`, { security_group: { name: "z" } }, 0)).status).toBe(412);
  });
});

describe("what the neutron-tempest-plugin checks besides", () => {
  it("raises a network's revision when one of its subnets is created and when it is deleted", async () => {
    const network = (await api.call("POST", "/v2.0/networks", { network: { name: "parent" } })).body.network;
    const subnet = (
      await api.call("POST", "/v2.0/subnets", { subnet: { network_id: network.id, cidr: "10.75.0.0/24" } })
    ).body.subnet;
    const withSubnet = (await api.call("GET", `/v2.0/networks/${network.id}`)).body.network;
    expect(withSubnet.revision_number).toBeGreaterThan(network.revision_number);
    expect((await api.call("DELETE", `/v2.0/subnets/${subnet.id}`)).status).toBe(204);
    const without = (await api.call("GET", `/v2.0/networks/${network.id}`)).body.network;
    expect(without.revision_number).toBe(withSubnet.revision_number + 1);
    expect(without.subnets).toEqual([]);
  });

  it("refuses an MTU on create and update: shown, not writable", async () => {
    await refused("POST", "/v2.0/networks", { network: { mtu: 1501 } }, 400, "BadRequest");
    await refused("POST", "/v2.0/networks", { networks: [{ name: "a" }, { mtu: 1400 }] }, 400, "BadRequest");
    const network = (await api.call("POST", "/v2.0/networks", { network: { name: "mtu" } })).body.network;
    expect(network.mtu).toBe(1500);
    const put = await refused("PUT", `/v2.0/networks/${network.id}`, { network: { mtu: 1400 } }, 400, "BadRequest");
    expect(put.body.NeutronError.message).toBe("Attribute 'mtu' not allowed in PUT");
  });

  it("refuses allowed address pairs on a port without port security, and a group named twice", async () => {
    const pairs = [{ ip_address: "10.0.0.1", mac_address: "00:25:64:e8:19:dd" }];
    const port = (
      await api.call("POST", "/v2.0/ports", { port: { network_id: net.subnetId, port_security_enabled: false } })
    ).body.port;
    await refused(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { allowed_address_pairs: pairs } },
      409,
      "AddressPairAndPortSecurityRequired",
    );
    await refused(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, port_security_enabled: false, allowed_address_pairs: pairs } },
      409,
      "AddressPairAndPortSecurityRequired",
    );
    // Turning port security on in the same request takes the pairs; clearing them needs nothing.
    const on = await api.call("PUT", `/v2.0/ports/${port.id}`, {
      port: { port_security_enabled: true, allowed_address_pairs: pairs },
    });
    expect(on.status).toBe(200);
    expect(on.body.port.allowed_address_pairs).toEqual(pairs);
    const group = (await api.call("POST", "/v2.0/security-groups", { security_group: { name: "twice" } })).body
      .security_group;
    const twice = await refused(
      "PUT",
      `/v2.0/ports/${port.id}`,
      { port: { security_groups: [group.id, group.id] } },
      400,
      "BadRequest",
    );
    expect(twice.body.NeutronError.message).toContain(`Duplicate items in the list: '${group.id}'`);
    await refused(
      "POST",
      "/v2.0/ports",
      { port: { network_id: net.subnetId, security_groups: [group.id, group.id] } },
      400,
      "BadRequest",
    );
  });
});

describe("version discovery", () => {
  it("answers Neutron's versions to a client with a token, Keystone's to one without, and v2.0's resources", async () => {
    const neutron = await api.call("GET", "/");
    expect(neutron.status).toBe(200);
    expect(neutron.body.versions.map((v: any) => v.id)).toEqual(["v2.0"]);
    expect((await fetch(`${server.url}/`)).status).toBe(300);
    const resources = (await api.call("GET", "/v2.0/")).body.resources.map((r: any) => r.name);
    expect(resources).toEqual(expect.arrayContaining(["network", "subnet", "port", "router"]));
  });
});

describe("Keystone domain look-ups (tempest resolves its credentials' domain by name)", () => {
  it("finds the caller's account as the domain by name and by id, and nothing else", async () => {
    const byName = await api.call("GET", "/v3/domains?name=default");
    expect(byName.status).toBe(200);
    expect(byName.body.domains).toHaveLength(1);
    const domain = byName.body.domains[0];
    expect(domain).toMatchObject({ name: "default", enabled: true });
    expect((await api.call("GET", `/v3/domains/${domain.id}`)).body.domain).toEqual(domain);
    expect((await api.call("GET", "/v3/domains?name=elsewhere")).body.domains).toEqual([]);
    const missing = await api.call("GET", "/v3/domains/elsewhere");
    expect(missing.status).toBe(404);
  });
});
