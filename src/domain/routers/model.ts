import { cidrContains, parseCidr } from "../net/cidr.js";
import { parseIpv4 } from "../net/ipv4.js";

/** A static route of a router (Neutron's `extraroute`). */
export interface RouterRoute {
  destination: string;
  nexthop: string;
}

/**
 * What a router has beyond the VPC it is: a VPC is a Neutron router, and a VPC made through `/v1/{project_id}/vpcs`
 * has no such record until it is changed through Neutron (`defaultRouterAttributes`).
 */
export interface RouterAttributes {
  vpcId: string;
  /** Whether the router has a gateway on the cloud's external network. */
  externalGateway: boolean;
  enableSnat: boolean;
  routes: RouterRoute[];
  revisionNumber: number;
  updatedAt: string;
}

/** The owner of a port that is a router's interface on a subnet. */
export const ROUTER_INTERFACE_OWNER = "network:router_interface";

export function defaultRouterAttributes(vpcId: string, createdAt: string): RouterAttributes {
  return { vpcId, externalGateway: false, enableSnat: false, routes: [], revisionNumber: 0, updatedAt: createdAt };
}

/** The cloud reports a router by status ACTIVE; the VPC it is shows `OK`. */
export function routerStatus(vpcStatus: string): string {
  return vpcStatus === "OK" ? "ACTIVE" : vpcStatus;
}

export type RouteCheck = { ok: true; routes: RouterRoute[] } | { ok: false; detail: string };

/**
 * Routes as the reference allows them: a destination CIDR (an IPv4 network address) and a next hop inside one of the
 * router's subnets; the same route twice is kept once. `subnetCidrs` are the CIDRs of the router's subnets.
 */
export function checkRoutes(routes: readonly RouterRoute[], subnetCidrs: readonly string[]): RouteCheck {
  const kept: RouterRoute[] = [];
  const seen = new Set<string>();
  const cidrs = subnetCidrs.flatMap((text) => parseCidr(text) ?? []);
  for (const route of routes) {
    const destination = parseCidr(route.destination);
    if (!destination) return { ok: false, detail: `'${route.destination}' is not a valid IP subnet.` };
    const hop = parseIpv4(route.nexthop);
    if (hop === undefined) return { ok: false, detail: `'${route.nexthop}' is not a valid IP address.` };
    if (!cidrs.some((cidr) => cidrContains(cidr, hop))) {
      return {
        ok: false,
        detail: `Invalid format for routes: ${JSON.stringify(route)}, the nexthop is not connected with router.`,
      };
    }
    const key = `${destination.text} ${route.nexthop}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ destination: destination.text, nexthop: route.nexthop });
  }
  return { ok: true, routes: kept };
}

/** Neutron's extraroute-atomic removal: the routes left once the given ones go; a route the router lacks is ignored. */
export function routesWithout(current: readonly RouterRoute[], removed: readonly RouterRoute[]): RouterRoute[] {
  const key = (route: RouterRoute) => `${parseCidr(route.destination)?.text ?? route.destination} ${route.nexthop}`;
  const gone = new Set(removed.map(key));
  return current.filter((route) => !gone.has(key(route)));
}
