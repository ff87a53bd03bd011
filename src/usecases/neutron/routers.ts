import { EXTERNAL_NETWORK_ID } from "../../domain/eips/model.js";
import type { Port, Subnet, Vpc } from "../../domain/model.js";
import { cidrsOverlap, parseCidr } from "../../domain/net/cidr.js";
import {
  checkRoutes,
  defaultRouterAttributes,
  ROUTER_INTERFACE_OWNER,
  type RouterAttributes,
  type RouterRoute,
  routesWithout,
} from "../../domain/routers/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { removePort } from "../shared/remove-port.js";
import { refuseStale } from "./revisions.js";

/** A router is a VPC, with what Neutron shows beyond it. */
export interface RouterView {
  vpc: Vpc;
  attributes: RouterAttributes;
}

/** The cloud's external network, as a router's gateway names it. */
export interface GatewayInput {
  networkId?: string;
  enableSnat?: boolean;
}

export interface RouterInput {
  name?: string;
  description?: string;
  /** Null or `{}` clears the gateway. */
  externalGateway?: GatewayInput | null;
  /** Null clears the routes. */
  routes?: RouterRoute[] | null;
}

/** Where a router interface sits: its subnet and port. */
export interface RouterInterface {
  routerId: string;
  projectId: string;
  subnetId: string;
  portId: string;
}

const SYSTEM_GATEWAY_OWNER = "network:router_interface_distributed";

/** A project's router (VPC) names are unique unless blank, as its VPC names are (the cloud's VPC.0115). */
async function refuseTakenName(tx: Tx, projectId: string, name: string, ownId: string): Promise<void> {
  if (name === "") return;
  const vpcs = await tx.networks.listVpcs(projectId, { limit: Number.MAX_SAFE_INTEGER });
  if (vpcs.some((other) => other.name === name && other.id !== ownId)) {
    fail("neutronBadRequest", `Bad router request: the project has a router (VPC) named ${name} already.`);
  }
}

async function attributesOf(tx: Tx, vpc: Vpc): Promise<RouterAttributes> {
  // A VPC made through VPC v1 reaches the external network: EIPs bind to its ports without any gateway set up.
  return (
    (await tx.routers.getAttributes(vpc.id)) ?? {
      ...defaultRouterAttributes(vpc.id, vpc.createdAt),
      externalGateway: true,
    }
  );
}

async function ownRouter(tx: Tx, caller: Caller, id: string, forUpdate = false): Promise<Vpc> {
  const vpc = await tx.networks.getVpc(id, { forUpdate });
  if (!vpc || vpc.projectId !== caller.projectId) fail("neutronRouterNotFound", `Router ${id} could not be found.`);
  return vpc;
}

/** The gateway a request asks for: only the cloud's external network (an unknown one is not found, 404). */
async function gatewayOf(tx: Tx, caller: Caller, gateway: GatewayInput | null | undefined, current: RouterAttributes) {
  if (gateway === undefined) return { externalGateway: current.externalGateway, enableSnat: current.enableSnat };
  if (gateway === null || gateway.networkId === undefined) return { externalGateway: false, enableSnat: false };
  if (gateway.networkId !== EXTERNAL_NETWORK_ID) {
    const network = await tx.networks.getNetwork(gateway.networkId);
    if (!network || network.projectId !== caller.projectId) {
      fail("networkNotFound", `Network ${gateway.networkId} could not be found.`);
    }
    fail("neutronBadRequest", `Bad router request: Network ${gateway.networkId} is not an external network.`);
  }
  return { externalGateway: true, enableSnat: gateway.enableSnat ?? false };
}

async function routesOf(tx: Tx, vpcId: string, routes: RouterRoute[]): Promise<RouterRoute[]> {
  const cidrs = (await tx.networks.listSubnetsOfVpc(vpcId)).map((subnet) => subnet.cidr);
  const checked = checkRoutes(routes, cidrs);
  if (!checked.ok) fail("neutronBadRequest", `Bad router request: ${checked.detail}`);
  return checked.routes;
}

export async function showRouter(context: UseCaseContext, caller: Caller, id: string): Promise<RouterView> {
  return context.store.read(async (tx) => {
    const vpc = await ownRouter(tx, caller, id);
    return { vpc, attributes: await attributesOf(tx, vpc) };
  });
}

/** Every VPC of the project, as routers, by id. */
export async function listRouters(context: UseCaseContext, caller: Caller): Promise<RouterView[]> {
  return context.store.read(async (tx) => {
    const views: RouterView[] = [];
    for (const vpc of await tx.networks.listVpcs(caller.projectId, { limit: Number.MAX_SAFE_INTEGER })) {
      views.push({ vpc, attributes: await attributesOf(tx, vpc) });
    }
    return views;
  });
}

/** A router made through Neutron is a VPC without a CIDR (as a VPC made through VPC v1 without one). */
export async function createRouter(context: UseCaseContext, caller: Caller, input: RouterInput): Promise<RouterView> {
  return context.store.write(async (tx) => {
    const now = isoNow(context);
    const vpc: Vpc = {
      id: context.newId(),
      projectId: caller.projectId,
      name: input.name ?? "",
      description: input.description ?? "",
      cidr: "",
      status: "OK",
      createdAt: now,
    };
    if ((await tx.admin.projectUsage(caller.projectId)).vpcs >= context.limits.quotas.vpc) {
      fail("neutronOverQuota", "Quota exceeded for resources: ['router'].");
    }
    await refuseTakenName(tx, caller.projectId, vpc.name, vpc.id);
    const fresh = defaultRouterAttributes(vpc.id, now);
    const attributes: RouterAttributes = {
      ...fresh,
      ...(await gatewayOf(tx, caller, input.externalGateway, fresh)),
      // A new router has no subnet, so no next hop any route could take.
      routes: input.routes ? await routesOf(tx, vpc.id, input.routes) : [],
    };
    await tx.networks.insertVpc(vpc);
    await tx.routers.putAttributes(attributes);
    return { vpc, attributes };
  });
}

/** Name, description, gateway and routes; the revision goes up when anything changed. */
export async function updateRouter(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: RouterInput,
  expectedRevision?: number,
): Promise<RouterView> {
  return context.store.write(async (tx) => {
    const vpc = await ownRouter(tx, caller, id, true);
    const current = await attributesOf(tx, vpc);
    refuseStale(current.revisionNumber, expectedRevision);
    const nextVpc: Vpc = {
      ...vpc,
      name: input.name ?? vpc.name,
      description: input.description ?? vpc.description,
    };
    if (nextVpc.name !== vpc.name) await refuseTakenName(tx, caller.projectId, nextVpc.name, vpc.id);
    const next: RouterAttributes = {
      ...current,
      ...(await gatewayOf(tx, caller, input.externalGateway, current)),
      routes:
        input.routes === undefined
          ? current.routes
          : input.routes === null
            ? []
            : await routesOf(tx, vpc.id, input.routes),
    };
    const changed =
      nextVpc.name !== vpc.name ||
      nextVpc.description !== vpc.description ||
      JSON.stringify(next) !== JSON.stringify(current);
    if (!changed) return { vpc, attributes: current };
    if (nextVpc.name !== vpc.name || nextVpc.description !== vpc.description) await tx.networks.updateVpc(nextVpc);
    const updated = { ...next, revisionNumber: current.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.routers.putAttributes(updated);
    return { vpc: nextVpc, attributes: updated };
  });
}

/**
 * Neutron's extraroute-atomic: adds routes to a router's (a route it has already stays once) or removes them (one it
 * lacks is ignored), in one unit of work, so that two clients adding routes at once both land.
 */
export async function changeRouterRoutes(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  routes: RouterRoute[],
  change: "add" | "remove",
): Promise<RouterView> {
  return context.store.write(async (tx) => {
    const vpc = await ownRouter(tx, caller, id, true);
    const current = await attributesOf(tx, vpc);
    const wanted = change === "add" ? [...current.routes, ...routes] : routesWithout(current.routes, routes);
    const next: RouterAttributes = { ...current, routes: await routesOf(tx, vpc.id, wanted) };
    if (JSON.stringify(next.routes) === JSON.stringify(current.routes)) return { vpc, attributes: current };
    const updated = { ...next, revisionNumber: current.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.routers.putAttributes(updated);
    return { vpc, attributes: updated };
  });
}

/** A router with subnets on it stays (RouterInUse); its record goes with its VPC. */
export async function deleteRouter(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  await context.store.write(async (tx) => {
    const vpc = await ownRouter(tx, caller, id, true);
    if ((await tx.networks.listSubnetsOfVpc(id)).length > 0) {
      fail("neutronRouterInUse", `Router ${id} still has ports: remove its interfaces (its subnets) first.`);
    }
    await tx.networks.deleteVpc(vpc.id);
  });
}

async function ownSubnet(tx: Tx, caller: Caller, id: string): Promise<Subnet> {
  const subnet = await tx.networks.getSubnetByNeutronId(id, { forUpdate: true });
  if (!subnet || subnet.projectId !== caller.projectId) {
    fail("neutronSubnetNotFound", `Subnet ${id} could not be found.`);
  }
  return subnet;
}

async function ownPort(tx: Tx, caller: Caller, id: string): Promise<Port> {
  const port = await tx.ports.get(id, { forUpdate: true });
  if (!port || port.projectId !== caller.projectId) fail("portNotFound", `Port ${id} could not be found.`);
  return port;
}

/** A subnet goes on one router at most, and not beside a subnet of the router whose CIDR overlaps it. */
async function refuseUnattachable(tx: Tx, router: Vpc, subnet: Subnet): Promise<void> {
  if (subnet.vpcId === router.id) {
    fail("neutronBadRequest", `Bad router request: Router already has a port on subnet ${subnet.neutronSubnetId}.`);
  }
  if (subnet.vpcId !== null) {
    fail(
      "neutronBadRequest",
      `Bad router request: Subnet ${subnet.neutronSubnetId} is already on router ${subnet.vpcId}; a subnet sits on one router.`,
    );
  }
  const cidr = parseCidr(subnet.cidr);
  for (const sibling of await tx.networks.listSubnetsOfVpc(router.id)) {
    const other = parseCidr(sibling.cidr);
    if (cidr && other && cidrsOverlap(cidr, other)) {
      fail(
        "neutronBadRequest",
        `Bad router request: Cidr ${subnet.cidr} of subnet ${subnet.neutronSubnetId} overlaps with cidr ${sibling.cidr} of subnet ${sibling.neutronSubnetId}.`,
      );
    }
  }
}

async function bumpRouter(context: UseCaseContext, tx: Tx, router: Vpc): Promise<void> {
  const current = await attributesOf(tx, router);
  await tx.routers.putAttributes({
    ...current,
    revisionNumber: current.revisionNumber + 1,
    updatedAt: isoNow(context),
  });
}

function asInterface(port: Port, router: Vpc): Port {
  return { ...port, deviceOwner: ROUTER_INTERFACE_OWNER, deviceId: router.id, status: "ACTIVE" };
}

/**
 * Puts a subnet on the router: by subnet, the subnet's gateway port becomes the router's interface; by port, that
 * port (unowned, one fixed IP) does. Either way the subnet is then the VPC's subnet.
 */
export async function addRouterInterface(
  context: UseCaseContext,
  caller: Caller,
  routerId: string,
  by: { subnetId?: string; portId?: string },
): Promise<RouterInterface> {
  return context.store.write(async (tx) => {
    const router = await ownRouter(tx, caller, routerId, true);
    const now = isoNow(context);
    let port: Port;
    let subnet: Subnet;
    if (by.portId !== undefined) {
      port = await ownPort(tx, caller, by.portId);
      if (port.deviceOwner !== "" || port.deviceId !== "") {
        fail("neutronPortInUse", `Unable to complete operation on port ${port.id}: it is in use by ${port.deviceId}.`);
      }
      const [fixedIp, ...more] = port.fixedIps;
      if (!fixedIp || more.length > 0) {
        fail("neutronBadRequest", `Bad router request: Port ${port.id} must have exactly one fixed IP.`);
      }
      subnet = await ownSubnet(tx, caller, fixedIp.subnetId);
      if (by.subnetId !== undefined && by.subnetId !== subnet.neutronSubnetId) {
        fail("neutronBadRequest", "Bad router request: Cannot specify both subnet-id and port-id.");
      }
    } else if (by.subnetId !== undefined) {
      subnet = await ownSubnet(tx, caller, by.subnetId);
      await refuseUnattachable(tx, router, subnet);
      const gateway = (
        await tx.ports.list({
          projectId: caller.projectId,
          fixedIpSubnetId: subnet.neutronSubnetId,
          deviceId: subnet.id,
        })
      ).find(
        (candidate) =>
          candidate.deviceOwner === SYSTEM_GATEWAY_OWNER && candidate.fixedIps[0]?.ipAddress === subnet.gatewayIp,
      );
      if (!gateway) {
        fail("neutronBadRequest", `Bad router request: Subnet ${subnet.neutronSubnetId} has no gateway IP.`);
      }
      port = gateway;
    } else {
      return fail("neutronBadRequest", "Bad router request: Either subnet_id or port_id must be specified.");
    }
    if (by.portId !== undefined) await refuseUnattachable(tx, router, subnet);
    const attached = { ...asInterface(port, router), revisionNumber: port.revisionNumber + 1, updatedAt: now };
    await tx.ports.update(attached);
    await tx.routers.setSubnetVpc(subnet.id, router.id);
    await bumpRouter(context, tx, router);
    return { routerId: router.id, projectId: router.projectId, subnetId: subnet.neutronSubnetId, portId: port.id };
  });
}

/**
 * Takes a subnet off the router: the gateway port becomes the subnet's own again, an interface made from a port is
 * deleted with its port (as the reference says). A subnet made through VPC v1 stays in its VPC.
 */
export async function removeRouterInterface(
  context: UseCaseContext,
  caller: Caller,
  routerId: string,
  by: { subnetId?: string; portId?: string },
): Promise<RouterInterface> {
  return context.store.write(async (tx) => {
    const router = await ownRouter(tx, caller, routerId, true);
    const now = isoNow(context);
    let interfaces: Port[];
    let subnet: Subnet;
    if (by.portId !== undefined) {
      const port = await ownPort(tx, caller, by.portId);
      if (port.deviceId !== router.id || port.deviceOwner !== ROUTER_INTERFACE_OWNER || !port.fixedIps[0]) {
        fail("neutronRouterInterfaceNotFound", `Router ${router.id} does not have an interface with id ${port.id}.`);
      }
      subnet = await ownSubnet(tx, caller, port.fixedIps[0].subnetId);
      interfaces = [port];
    } else if (by.subnetId !== undefined) {
      subnet = await ownSubnet(tx, caller, by.subnetId);
      interfaces = (
        await tx.ports.list({
          projectId: caller.projectId,
          fixedIpSubnetId: subnet.neutronSubnetId,
          deviceId: router.id,
        })
      ).filter((port) => port.deviceOwner === ROUTER_INTERFACE_OWNER);
      if (interfaces.length === 0) {
        fail(
          "neutronRouterInterfaceNotFound",
          `Router ${router.id} has no interface on subnet ${subnet.neutronSubnetId}.`,
        );
      }
    } else {
      return fail("neutronBadRequest", "Bad router request: Either subnet_id or port_id must be specified.");
    }
    for (const port of interfaces) {
      if (port.fixedIps[0]?.ipAddress === subnet.gatewayIp) {
        await tx.ports.update({
          ...port,
          deviceOwner: SYSTEM_GATEWAY_OWNER,
          deviceId: subnet.id,
          revisionNumber: port.revisionNumber + 1,
          updatedAt: now,
        });
      } else {
        await removePort(tx, port, now);
      }
    }
    const remaining = (
      await tx.ports.list({ projectId: caller.projectId, fixedIpSubnetId: subnet.neutronSubnetId, deviceId: router.id })
    ).filter((port) => port.deviceOwner === ROUTER_INTERFACE_OWNER);
    if (remaining.length === 0) await tx.routers.setSubnetVpc(subnet.id, null);
    await bumpRouter(context, tx, router);
    const first = interfaces[0] as Port;
    return { routerId: router.id, projectId: router.projectId, subnetId: subnet.neutronSubnetId, portId: first.id };
  });
}
