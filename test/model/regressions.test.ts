/**
 * Plain examples kept from the model-based runs: the sequences that were hardest to get right (for the model or
 * the app), with their expected answers and states written out, so they run the same way every time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { modelAppLimits } from "./limits.js";

let app: InjectApp;
const p = (path: string) => `/v1/${app.projectId}${path}`;

beforeAll(async () => {
  app = await createInjectApp({ limits: modelAppLimits() });
});
afterAll(async () => app?.close());

interface World {
  vpcA: string;
  vpcB: string;
  s1: { id: string; neutron: string };
  s2: { id: string; neutron: string };
  s3: { id: string; neutron: string };
}
let w: World;

/** Two VPCs with the same addresses: S1 192.168.0.0/28 and S2 192.168.0.16/28 in A, S3 192.168.0.0/28 in B. */
beforeEach(async () => {
  await app.reset();
  // VPC names are unique in a project (VPC.0115).
  const vpc = async (name: string, cidr: string) =>
    (await app.call("POST", p("/vpcs"), { vpc: { name, cidr } })).body.vpc.id;
  const vpcA = await vpc("vpc-a", "192.168.0.0/16");
  const vpcB = await vpc("vpc-b", "192.168.0.0/16");
  const subnet = async (vpcId: string, cidr: string, gateway: string) => {
    const created = await app.call("POST", p("/subnets"), {
      subnet: { name: "s", cidr, gateway_ip: gateway, vpc_id: vpcId },
    });
    expect(created.status).toBe(200);
    return { id: created.body.subnet.id as string, neutron: created.body.subnet.neutron_subnet_id as string };
  };
  w = {
    vpcA,
    vpcB,
    s1: await subnet(vpcA, "192.168.0.0/28", "192.168.0.1"),
    s2: await subnet(vpcA, "192.168.0.16/28", "192.168.0.17"),
    s3: await subnet(vpcB, "192.168.0.0/28", "192.168.0.1"),
  };
});

async function server(vpcId: string, subnetId: string): Promise<{ id: string; nic: string; ip: string; mac: string }> {
  const created = await app.call("POST", p("/cloudservers"), {
    server: {
      name: "s",
      imageRef: "i",
      flavorRef: "f",
      vpcid: vpcId,
      nics: [{ subnet_id: subnetId }],
      root_volume: { volumetype: "SSD" },
    },
  });
  expect(created.status).toBe(200);
  await app.call("GET", p(`/jobs/${created.body.job_id}`));
  const id = created.body.serverIds[0];
  const nic = (await app.call("GET", p(`/cloudservers/${id}/os-interface`))).body.interfaceAttachments[0];
  return { id, nic: nic.port_id, ip: nic.fixed_ips[0].ip_address, mac: nic.mac_addr };
}

const bind = (nic: string, subnetId: string, ip: string, reverse?: boolean) =>
  app.call("PUT", p(`/cloudservers/nics/${nic}`), {
    nic: { subnet_id: subnetId, ip_address: ip, ...(reverse === undefined ? {} : { reverse_binding: reverse }) },
  });
const unbind = (nic: string) =>
  app.call("PUT", p(`/cloudservers/nics/${nic}`), { nic: { subnet_id: "", ip_address: "" } });

async function port(networkId: string, ip: string) {
  const ports = (await app.call("GET", `/v2.0/ports?network_id=${networkId}&fixed_ips=ip_address=${ip}`)).body.ports;
  expect(ports).toHaveLength(1);
  return ports[0];
}
const pairs = async (networkId: string, ip: string) =>
  (await port(networkId, ip)).allowed_address_pairs.map((pair: any) => `${pair.ip_address}@${pair.mac_address}`);

describe("kept sequences", () => {
  it("the same address in two VPCs: unbind and NIC deletion stay inside their own VPC", async () => {
    const a = await server(w.vpcA, w.s1.id);
    const b = await server(w.vpcB, w.s3.id);
    expect(a.ip).toBe("192.168.0.2");
    expect(b.ip).toBe("192.168.0.2");
    expect((await bind(a.nic, w.s1.id, "192.168.0.9", true)).status).toBe(200);
    expect((await bind(b.nic, w.s3.id, "192.168.0.9", true)).status).toBe(200);
    // A subnet of the other VPC is refused, even though its addresses look the same.
    expect((await bind(a.nic, w.s3.id, "192.168.0.10")).body).toEqual({
      error: { code: "Ecs.0014", message: "Incorrect VPC, subnet, or security group parameter values." },
    });
    expect((await unbind(b.nic)).status).toBe(200);
    expect(await pairs(w.s1.id, "192.168.0.9")).toEqual([`${a.ip}@${a.mac}`]);
    expect(await pairs(w.s1.id, a.ip)).toEqual([`192.168.0.9@${a.mac}`]);
    expect(await pairs(w.s3.id, "192.168.0.9")).toEqual([]);
    const deleted = await app.call("POST", p("/cloudservers/delete"), { servers: [{ id: b.id }] });
    expect(deleted.status).toBe(200);
    expect(await pairs(w.s1.id, "192.168.0.9")).toEqual([`${a.ip}@${a.mac}`]);
  });

  it("unbind removes pairs naming VIPs and unowned private IPs, keeps hand-set ones; revisions move once", async () => {
    const a = await server(w.vpcA, w.s1.id);
    const assigned = await app.call("POST", p("/privateips"), {
      privateips: [{ subnet_id: w.s2.id, ip_address: "192.168.0.20" }],
    });
    expect(assigned.status).toBe(200);
    expect((await bind(a.nic, w.s2.id, "192.168.0.20", true)).status).toBe(200);
    const manual = await app.call("PUT", `/v2.0/ports/${a.nic}`, {
      port: {
        allowed_address_pairs: [
          { ip_address: "192.168.0.20" },
          { ip_address: "10.9.0.0/16" },
          { ip_address: "192.168.0.9", mac_address: "FA:16:3E:AA:BB:CC" },
        ],
      },
    });
    expect(manual.body.port.allowed_address_pairs).toEqual([
      { ip_address: "192.168.0.20", mac_address: a.mac },
      { ip_address: "10.9.0.0/16", mac_address: a.mac },
      { ip_address: "192.168.0.9", mac_address: "fa:16:3e:aa:bb:cc" },
    ]);
    const revision = manual.body.port.revision_number;
    expect((await unbind(a.nic)).status).toBe(200);
    const nic = await port(w.s1.id, a.ip);
    expect(nic.allowed_address_pairs).toEqual([
      { ip_address: "10.9.0.0/16", mac_address: a.mac },
      { ip_address: "192.168.0.9", mac_address: "fa:16:3e:aa:bb:cc" },
    ]);
    expect(nic.revision_number).toBe(revision + 1);
    const vip = await port(w.s2.id, "192.168.0.20");
    expect(vip.device_owner).toBe("");
    expect(vip.allowed_address_pairs).toEqual([]);
    // Unbinding again changes nothing, not even the revision.
    expect((await unbind(a.nic)).status).toBe(200);
    expect((await port(w.s1.id, a.ip)).revision_number).toBe(revision + 1);
  });

  it("a VIP still named by a NIC: 409 through /v1/privateips, deleted with the NIC's pairs through /v2.0/ports", async () => {
    const a = await server(w.vpcA, w.s1.id);
    expect((await bind(a.nic, w.s1.id, "192.168.0.9")).status).toBe(200);
    const vip = await port(w.s1.id, "192.168.0.9");
    expect(vip.device_owner).toBe("neutron:VIP_PORT");
    const refused = await app.call("DELETE", p(`/privateips/${vip.id}`));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("VPC.0707");
    const before = (await port(w.s1.id, a.ip)).revision_number;
    expect((await app.call("DELETE", `/v2.0/ports/${vip.id}`)).status).toBe(204);
    const nic = await port(w.s1.id, a.ip);
    expect(nic.allowed_address_pairs).toEqual([]);
    expect(nic.revision_number).toBe(before + 1);
    // The address is free again and the next automatic allocation is the lowest free one.
    const next = await app.call("POST", p("/privateips"), { privateips: [{ subnet_id: w.s1.id }] });
    expect(next.body.privateips[0].ip_address).toBe("192.168.0.3");
  });

  it("the pair limit holds on both sides and a refused bind writes nothing", async () => {
    const [a, b, c, d] = [
      await server(w.vpcA, w.s1.id),
      await server(w.vpcA, w.s1.id),
      await server(w.vpcA, w.s1.id),
      await server(w.vpcA, w.s1.id),
    ];
    for (const ip of ["192.168.0.9", "192.168.0.10", "192.168.0.11"]) {
      expect((await bind(a!.nic, w.s1.id, ip)).status, ip).toBe(200);
    }
    let before = await app.dump();
    const nicFull = await bind(a!.nic, w.s1.id, "192.168.0.12");
    expect([nicFull.status, nicFull.body.error.code]).toEqual([400, "Ecs.0213"]);
    expect(await app.dump()).toEqual(before);
    // Binding again what it already holds is no new pair: 200, nothing written.
    expect((await bind(a!.nic, w.s1.id, "192.168.0.9")).status).toBe(200);
    expect(await app.dump()).toEqual(before);

    for (const nic of [b, c, d]) expect((await bind(nic!.nic, w.s2.id, "192.168.0.20", true)).status).toBe(200);
    expect(await pairs(w.s2.id, "192.168.0.20")).toHaveLength(3);
    const e = await server(w.vpcA, w.s1.id);
    before = await app.dump();
    const vipFull = await bind(e.nic, w.s2.id, "192.168.0.20", true);
    expect([vipFull.status, vipFull.body.error.code]).toEqual([400, "Ecs.0213"]);
    expect(await app.dump()).toEqual(before);
    // Unbinding one NIC makes room on the VIP side.
    expect((await unbind(d!.nic)).status).toBe(200);
    expect(await pairs(w.s2.id, "192.168.0.20")).toEqual([`${b!.ip}@${b!.mac}`, `${c!.ip}@${c!.mac}`]);
  });

  it("an exhausted subnet answers each API's own code", async () => {
    const fill = await app.call("POST", p("/privateips"), {
      privateips: Array.from({ length: 11 }, () => ({ subnet_id: w.s1.id })),
    });
    expect(fill.body.privateips.map((ip: any) => ip.ip_address)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `192.168.0.${n}`),
    );
    const more = await app.call("POST", p("/privateips"), { privateips: [{ subnet_id: w.s1.id }] });
    expect([more.status, more.body.code]).toEqual([409, "VPC.0703"]);
    const viaPort = await app.call("POST", "/v2.0/ports", { port: { network_id: w.s1.id } });
    expect([viaPort.status, viaPort.body.NeutronError.type]).toEqual([409, "IpAddressGenerationFailure"]);
    const viaServer = await app.call("POST", p("/cloudservers"), {
      server: {
        name: "s",
        imageRef: "i",
        flavorRef: "f",
        vpcid: w.vpcA,
        nics: [{ subnet_id: w.s1.id }],
        root_volume: { volumetype: "SSD" },
      },
    });
    expect([viaServer.status, viaServer.body.error.code]).toEqual([400, "Ecs.0012"]);
  });

  it("an unbind and a hand-set pair list on one NIC at once end as one of the two serial orders", async () => {
    const a = await server(w.vpcA, w.s1.id);
    const b = await server(w.vpcA, w.s1.id);
    expect((await bind(b.nic, w.s1.id, "192.168.0.9")).status).toBe(200);
    for (let round = 0; round < 20; round++) {
      const [unbound, set] = await Promise.all([
        unbind(a.nic),
        app.call("PUT", `/v2.0/ports/${a.nic}`, { port: { allowed_address_pairs: [{ ip_address: "192.168.0.9" }] } }),
      ]);
      expect(unbound.status).toBe(200);
      expect(set.body.port.allowed_address_pairs).toEqual([{ ip_address: "192.168.0.9", mac_address: a.mac }]);
      // Unbind first: the pair list stays; hand-set first: unbind removes the pair (it names a VIP).
      expect([[], [`192.168.0.9@${a.mac}`]]).toContainEqual(await pairs(w.s1.id, a.ip));
    }
  });
});
