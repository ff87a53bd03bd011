/**
 * What the fuzzer knows about the API: every route the app registers (read from the app itself, so a new route is
 * fuzzed the day it lands), the service whose error envelope it answers in, and for the routes it knows a valid
 * request to start mutating from. Path parameters are filled with ids of a small live world.
 */
import type { FastifyInstance } from "fastify";
import { EXTERNAL_NETWORK_ID } from "../../src/domain/eips/model.js";
import type { InjectApp } from "../support/inject-app.js";
import { type Nic, Topology } from "../support/topology.js";

export type Service = "ecs" | "vpc" | "neutron" | "iam";

export interface Route {
  method: string;
  /** Fastify form: `/v1/:project_id/vpcs/:vpc_id`. */
  path: string;
}

/**
 * Routes whose answer is an open stream (server-sent events): a fuzzer waiting for the answer to end would wait for
 * ever, so they are left out here and tested where they live (test/http/console/change-events.test.ts).
 */
export const STREAMING_PATHS: ReadonlySet<string> = new Set(["/console/api/events"]);

/** The routes a fuzzer sends requests to: every route of the app but the streaming ones. */
export function discoverRoutes(app: FastifyInstance): Route[] {
  return discoverAllRoutes(app).filter((route) => !STREAMING_PATHS.has(route.path));
}

/** Every route of the app (HEAD twins included), from Fastify's own route tree. */
export function discoverAllRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:[│ ] {3})*)(?:[├└]── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const segment = match[2] as string;
    const parent = depth === 0 ? "" : (stack[depth - 1] ?? "");
    const path = depth === 0 ? segment : `${parent === "/" ? "/" : parent}${segment}`;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? "").split(",").map((m) => m.trim())) {
      if (method) routes.push({ method, path });
    }
  }
  return routes;
}

/** The service a path belongs to, judged from the path alone; undefined when no service owns it. */
export function serviceOfPath(path: string): Service | undefined {
  // The request target ends at the first space on the wire, and the path at "?".
  const clean = path.split(/[?\s]/)[0] ?? "";
  // The router ignores one trailing slash: "//" is the root ("/"), an IAM route.
  if (/^\/\/?$/.test(clean) || /^\/v3(\.0)?(\/|$)/.test(clean)) return "iam";
  // The batch port–security-group action sits under /v2.0/{project_id}/ but is a VPC operation.
  if (/^\/v2\.0\/[^/]*\/security-groups\/[^/]*\/instance\/action/.test(clean)) return "vpc";
  if (/^\/v2\.0(\/|$)/.test(clean)) return "neutron";
  if (/^\/v1(\.1)?\/[^/]*\/(cloudservers|jobs)(\/|$)/.test(clean)) return "ecs";
  if (/^\/v1\/[^/]*\/(vpcs|subnets|privateips|ports|quotas)(\/|$)/.test(clean)) return "vpc";
  if (/^\/v1\/[^/]*\/(security-groups|security-group-rules|publicips)(\/|$)/.test(clean)) return "vpc";
  return undefined;
}

export interface FuzzWorld {
  projectId: string;
  vpcId: string;
  emptyVpcId: string;
  subnetId: string;
  neutronSubnetId: string;
  emptySubnetId: string;
  serverId: string;
  otherServerId: string;
  nicId: string;
  secondNicId: string;
  vipPortId: string;
  privateIpId: string;
  /** An unbound VIP port that DELETE /v2.0/ports may take (recreated when it does). */
  sparePortId: string;
  gatewayPortId: string;
  /** A Neutron-native network and its subnet (Neutron id), which the Neutron DELETEs may take (recreated). */
  nativeNetworkId: string;
  nativeSubnetId: string;
  jobId: string;
  accessKey: string;
  secretKey: string;
}

/** A world with something behind every kind of id: VPCs, subnets, ACTIVE servers, a bound VIP, a private IP. */
export async function buildFuzzWorld(app: InjectApp): Promise<FuzzWorld> {
  await app.reset();
  const topology = new Topology(app, app.projectId);
  const vpc = await topology.vpc({ cidr: "192.168.0.0/16" });
  const emptyVpc = await topology.vpc({ cidr: "10.0.0.0/16" });
  const subnet = await topology.subnet({ vpcId: vpc.id, cidr: "192.168.0.0/24" });
  const emptySubnet = await topology.subnet({ vpcId: vpc.id, cidr: "192.168.1.0/24" });
  const created = await topology.activeServers({ vpcId: vpc.id, subnetIds: [subnet.id], count: 2 });
  const [serverId, otherServerId] = created.serverIds as [string, string];
  await topology.addNic(serverId, subnet.id);
  const [nic, secondNic] = (await topology.nicsOf(serverId)) as [Nic, Nic];
  await topology.bindVip(nic.nicId, subnet.id, "192.168.0.100", true);
  const privateIp = await topology.privateIp(subnet.id);
  const sparePort = await topology.vipPort(subnet.id);
  const nativeNetwork = (await topology.must("POST", "/v2.0/networks", { network: { name: "native" } })).network;
  const nativeSubnet = (
    await topology.must("POST", "/v2.0/subnets", { subnet: { network_id: nativeNetwork.id, cidr: "10.60.0.0/24" } })
  ).subnet;
  const keys = (await app.dump()).access_keys?.[0] as { access_key: string; secret_key: string };
  return {
    projectId: app.projectId,
    vpcId: vpc.id,
    emptyVpcId: emptyVpc.id,
    subnetId: subnet.id,
    neutronSubnetId: subnet.neutron_subnet_id,
    emptySubnetId: emptySubnet.id,
    serverId,
    otherServerId,
    nicId: nic.nicId,
    secondNicId: secondNic.nicId,
    vipPortId: (await topology.portAt("192.168.0.100")) as string,
    privateIpId: privateIp.id,
    sparePortId: sparePort.id,
    gatewayPortId: (await topology.portAt("192.168.0.1")) as string,
    nativeNetworkId: nativeNetwork.id,
    nativeSubnetId: nativeSubnet.id,
    jobId: created.jobId,
    accessKey: keys.access_key,
    secretKey: keys.secret_key,
  };
}

/**
 * After an accepted request changed the store: recreates the resources the generator's valid requests may delete
 * (the empty VPC and subnet, the private IP, the spare port, the second NIC, the second server); returns false when
 * something the world cannot do without is gone (then the caller builds a new world).
 */
export async function repairWorld(app: InjectApp, world: FuzzWorld, dump: string): Promise<boolean> {
  const has = (id: string) => dump.includes(`"id":"${id}"`);
  const core = [world.vpcId, world.subnetId, world.serverId, world.nicId, world.vipPortId];
  if (!core.every(has)) return false;
  const topology = new Topology(app, app.projectId);
  // The generator's own requests may have used up what a step needs (addresses, quota): then start over.
  const made = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch {
      return undefined;
    }
  };
  if (!has(world.emptyVpcId)) {
    const vpc = await made(() => topology.vpc({ cidr: "10.0.0.0/16" }));
    if (!vpc) return false;
    world.emptyVpcId = vpc.id;
  }
  if (!has(world.emptySubnetId)) {
    const subnet = await made(() => topology.subnet({ vpcId: world.vpcId, cidr: "192.168.1.0/24" }));
    if (!subnet) return false;
    world.emptySubnetId = subnet.id;
  }
  if (!has(world.privateIpId)) {
    const ip = await made(() => topology.privateIp(world.subnetId));
    if (!ip) return false;
    world.privateIpId = ip.id;
  }
  if (!has(world.sparePortId)) {
    const port = await made(() => topology.vipPort(world.subnetId));
    if (!port) return false;
    world.sparePortId = port.id;
  }
  if (!has(world.nativeNetworkId)) {
    const network = await made(() => topology.must("POST", "/v2.0/networks", { network: { name: "native" } }));
    if (!network) return false;
    world.nativeNetworkId = network.network.id;
  }
  if (!dump.includes(`"neutron_subnet_id":"${world.nativeSubnetId}"`)) {
    const subnet = await made(() =>
      topology.must("POST", "/v2.0/subnets", { subnet: { network_id: world.nativeNetworkId, cidr: "10.60.0.0/24" } }),
    );
    if (!subnet) return false;
    world.nativeSubnetId = subnet.subnet.id;
  }
  if (!has(world.secondNicId)) {
    const nics = await made(async () => {
      await topology.addNic(world.serverId, world.subnetId);
      return topology.nicsOf(world.serverId);
    });
    const second = nics?.at(-1)?.nicId;
    if (!second || second === world.nicId) return false;
    world.secondNicId = second;
  }
  if (!has(world.otherServerId)) {
    const created = await made(() => topology.activeServers({ vpcId: world.vpcId, subnetIds: [world.subnetId] }));
    if (!created) return false;
    world.otherServerId = created.serverIds[0] as string;
  }
  return true;
}

/** A plausible value for a path parameter, by its name. */
export function paramValue(world: FuzzWorld, route: Route, name: string): string {
  switch (name) {
    case "project_id":
      return world.projectId;
    case "vpc_id":
      return route.path.includes("/subnets/") ? world.vpcId : world.emptyVpcId;
    case "subnet_id":
      if (route.path.startsWith("/v2.0/")) return world.nativeSubnetId;
      return route.method === "DELETE" ? world.emptySubnetId : world.subnetId;
    case "privateip_id":
      return world.privateIpId;
    case "port_id":
      return route.method === "GET" ? world.nicId : route.method === "DELETE" ? world.sparePortId : world.vipPortId;
    case "nic_id":
      return world.nicId;
    case "server_id":
      return world.serverId;
    case "job_id":
      return world.jobId;
    case "network_id":
      return route.method === "GET" ? world.subnetId : world.nativeNetworkId;
    case "id":
      return world.projectId;
    case "alias":
      return "allowed-address-pairs";
    case "access_key":
      return world.accessKey;
    default:
      return "x";
  }
}

/** A valid query for the routes that take one. */
export function validQuery(world: FuzzWorld, route: Route): [string, string][] {
  const key = `${route.method} ${route.path}`;
  if (key === "GET /v2.0/ports") {
    return [
      ["network_id", world.subnetId],
      ["device_owner", "neutron:VIP_PORT"],
      ["fixed_ips", "ip_address=192.168.0.100"],
      ["limit", "10"],
      ["page_reverse", "true"],
    ];
  }
  if (key === "GET /v2.0/networks")
    return [
      ["name", "s1"],
      ["limit", "10"],
      ["admin_state_up", "true"],
    ];
  if (key === "GET /v2.0/subnets")
    return [
      ["network_id", world.nativeNetworkId],
      ["cidr", "10.60.0.0/24"],
    ];
  if (key === "GET /v3/projects") return [["name", "local-1"]];
  if (key === "POST /v3/auth/tokens") return [["nocatalog", "true"]];
  if (/\/(vpcs|subnets|privateips)$/.test(route.path) && route.method === "GET") {
    return [
      ["limit", "10"],
      ...(route.path.endsWith("/subnets") ? ([["vpc_id", world.vpcId]] as [string, string][]) : []),
    ];
  }
  return [];
}

/** A valid body for the routes that take one; undefined for the others. */
export function validBody(world: FuzzWorld, route: Route): unknown {
  const key = `${route.method} ${route.path}`;
  switch (key) {
    case "POST /v3/auth/tokens":
      return {
        auth: {
          identity: {
            methods: ["password"],
            // A user that does not exist: a known user costs a scrypt verification (~40 ms) per request.
            password: { user: { name: "fuzz-nobody", password: "wrong", domain: { name: "default" } } },
          },
          scope: { project: { id: world.projectId } },
        },
      };
    case "POST /v1/:project_id/vpcs":
      return { vpc: { name: "fz-vpc", description: "fuzz", cidr: "172.16.0.0/16" } };
    case "POST /v1/:project_id/subnets":
      return {
        subnet: {
          name: "fz-subnet",
          description: "fuzz",
          cidr: "192.168.7.0/24",
          gateway_ip: "192.168.7.1",
          vpc_id: world.vpcId,
          dhcp_enable: true,
          primary_dns: "100.125.1.250",
          secondary_dns: "100.125.21.250",
          availability_zone: "local-1a",
        },
      };
    case "POST /v1/:project_id/privateips":
      return { privateips: [{ subnet_id: world.subnetId, ip_address: "192.168.0.50" }] };
    case "POST /v2.0/ports":
      return {
        port: {
          network_id: world.subnetId,
          name: "fz-port",
          admin_state_up: true,
          device_owner: "neutron:VIP_PORT",
          fixed_ips: [{ subnet_id: world.neutronSubnetId, ip_address: "192.168.0.60" }],
          allowed_address_pairs: [{ ip_address: "192.168.0.61", mac_address: "fa:16:3e:00:00:01" }],
        },
      };
    case "PUT /v2.0/ports/:port_id":
      return {
        port: {
          name: "renamed",
          description: "d",
          allowed_address_pairs: [{ ip_address: "192.168.0.0/24" }, { ip_address: "192.168.0.62" }],
          extra_dhcp_opts: [{ opt_name: "tftp-server", opt_value: "192.168.0.9" }],
          "binding:profile": { fuzz: true },
        },
      };
    case "PUT /v1/:project_id/cloudservers/nics/:nic_id":
      return { nic: { subnet_id: world.subnetId, ip_address: "192.168.0.70", reverse_binding: true } };
    case "POST /v1/:project_id/cloudservers":
    case "POST /v1.1/:project_id/cloudservers":
      return {
        server: {
          name: "fz-server",
          imageRef: "image-1",
          flavorRef: "s6.small.1",
          vpcid: world.vpcId,
          nics: [{ subnet_id: world.subnetId, ip_address: "192.168.0.80" }],
          root_volume: { volumetype: "SSD", size: 40 },
          count: 1,
          availability_zone: "local-1a",
          adminPass: "Secret-123",
          metadata: { team: "fuzz" },
          tags: ["team.fuzz"],
          key_name: "fz-key",
          description: "fuzz",
        },
        dry_run: false,
      };
    case "POST /v1/:project_id/cloudservers/:server_id/nics":
      return { nics: [{ subnet_id: world.subnetId, ip_address: "192.168.0.90" }] };
    case "POST /v1/:project_id/cloudservers/:server_id/nics/delete":
      return { nics: [{ id: world.secondNicId }] };
    case "POST /v1/:project_id/security-groups":
      return { security_group: { name: "fz-sg", vpc_id: world.vpcId } };
    case "POST /v1/:project_id/security-groups/:security_group_id/instance/action":
    case "POST /v2.0/:project_id/security-groups/:security_group_id/instance/action":
      return { ports: [{ id: world.nicId }, { id: world.vipPortId }], action: "add" };
    case "POST /v2.0/networks":
      return { network: { name: "fz-net", admin_state_up: true, port_security_enabled: true } };
    case "PUT /v2.0/networks/:network_id":
      return { network: { name: "fz-net2", description: "fuzz" } };
    case "POST /v2.0/subnets":
      return {
        subnet: {
          network_id: world.nativeNetworkId,
          name: "fz-sub",
          cidr: "10.60.1.0/24",
          ip_version: 4,
          gateway_ip: "10.60.1.1",
          allocation_pools: [{ start: "10.60.1.10", end: "10.60.1.20" }],
          dns_nameservers: ["10.60.1.53"],
          enable_dhcp: true,
        },
      };
    case "PUT /v2.0/subnets/:subnet_id":
      return { subnet: { name: "fz-sub2", allocation_pools: [{ start: "10.60.0.10", end: "10.60.0.30" }] } };
    case "POST /v2.0/security-groups":
      return { security_group: { name: "fz-sg", description: "fuzz" } };
    case "POST /v1/:project_id/publicips":
      return { publicip: { type: "5_bgp", alias: "fz" }, bandwidth: { name: "fz-bw", size: 5, share_type: "PER" } };
    case "POST /v2.0/floatingips":
      return { floatingip: { floating_network_id: EXTERNAL_NETWORK_ID, port_id: world.vipPortId } };
    case "POST /v1/:project_id/cloudservers/delete":
      return { servers: [{ id: world.otherServerId }], delete_publicip: false, delete_volume: true };
    default:
      return undefined;
  }
}
