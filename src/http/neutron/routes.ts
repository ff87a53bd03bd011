import type { FastifyInstance } from "fastify";
import type { Port } from "../../domain/model.js";
import { isPairAddress } from "../../domain/net/cidr.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { bindingProfileTooDeep, MAX_BINDING_PROFILE_DEPTH } from "../../domain/ports/binding-profile.js";
import { isMac } from "../../domain/ports/mac.js";
import { fail } from "../../errors/cloud-error.js";
import type { PortFilter } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import type { CreatePortInput } from "../../usecases/neutron/ports.js";
import {
  createPorts,
  deletePort,
  listPorts,
  type PairInput,
  showPort,
  updatePort,
} from "../../usecases/neutron/ports.js";
import { baseUrlOf } from "../base-url.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { collectionAnswer } from "./collection.js";
import { dhcpOptionInputs, portBody } from "./mappers.js";
import { acceptPythonBooleans, selectFields } from "./query.js";
import { expectedRevision } from "./revisions.js";
import { type ShowQuery, showQuerySchema } from "./router-schemas.js";
import {
  type CreatePortBody,
  createPortSchema,
  type FixedIpBody,
  type ListPortsQuery,
  listPortsQuerySchema,
  type PairBody,
  type PortCreatable,
  type UpdatePortBody,
  updatePortSchema,
} from "./schemas.js";

const errors: RouteErrors = {
  invalid: "neutronBadRequest",
  internal: "neutronInternal",
  busy: "neutronConflict",
};

function pairInputs(pairs: PairBody[] | undefined): PairInput[] | undefined {
  return pairs?.map((pair) => {
    if (!isPairAddress(pair.ip_address)) fail("neutronInvalidInput", `'${pair.ip_address}' is not a valid IP address.`);
    if (pair.mac_address !== undefined && !isMac(pair.mac_address)) {
      fail("neutronInvalidInput", `'${pair.mac_address}' is not a valid MAC address.`);
    }
    return { ipAddress: pair.ip_address, macAddress: pair.mac_address?.toLowerCase() };
  });
}

/** Neutron filters; an impossible one (another project, a malformed fixed_ips term) simply matches nothing. */
function portFilter(caller: Caller, query: ListPortsQuery): PortFilter | undefined {
  const owner = query.project_id ?? query.tenant_id;
  if (owner !== undefined && owner !== caller.projectId) return undefined;
  const filter: PortFilter = {
    projectId: caller.projectId,
    name: query.name,
    networkId: query.network_id,
    deviceId: query.device_id,
    deviceOwner: query.device_owner,
    macAddress: query.mac_address?.toLowerCase(),
    status: query.status,
    adminStateUp: query.admin_state_up,
    ids: query.id === undefined ? undefined : [query.id].flat(),
    securityGroupIds: query.security_groups === undefined ? undefined : [query.security_groups].flat(),
  };
  for (const term of query.fixed_ips ?? []) {
    const eq = term.indexOf("=");
    const key = term.slice(0, eq);
    const value = term.slice(eq + 1);
    if (key === "ip_address") filter.ipAddress = value;
    else if (key === "ip_address_substr") filter.ipAddressSubstring = value;
    else if (key === "subnet_id") filter.fixedIpSubnetId = value;
    else return undefined;
  }
  // Every list is paged: without a limit a project's ports would come back in one answer of any size.
  filter.page = { limit: query.limit || DEFAULT_PORT_PAGE, marker: query.marker, reverse: query.page_reverse };
  return filter;
}

/** Ports per answer when the caller names no `limit`: the reference page's 2,000 (also the most with one). */
const DEFAULT_PORT_PAGE = 2000;

function fixedIpRequests(fixedIps: FixedIpBody[] | undefined) {
  return fixedIps?.map((fixedIp) => {
    if (fixedIp.ip_address !== undefined && !isIpv4(fixedIp.ip_address)) {
      fail("neutronInvalidInput", `'${fixedIp.ip_address}' is not a valid IP address.`);
    }
    return { subnetId: fixedIp.subnet_id, ipAddress: fixedIp.ip_address };
  });
}

function portInput(caller: Caller, port: PortCreatable): CreatePortInput {
  refuseDeepProfile(port["binding:profile"]);
  const owner = port.project_id ?? port.tenant_id;
  if (owner !== undefined && owner !== caller.projectId) {
    fail("neutronPolicyDenied", `A port for project ${owner} cannot be created from project ${caller.projectId}.`);
  }
  if (port.mac_address !== undefined && !isMac(port.mac_address)) {
    fail("neutronInvalidInput", `'${port.mac_address}' is not a valid MAC address.`);
  }
  return {
    networkId: port.network_id,
    name: port.name ?? "",
    description: port.description ?? "",
    adminStateUp: port.admin_state_up ?? true,
    deviceOwner: port.device_owner ?? "",
    fixedIps: fixedIpRequests(port.fixed_ips),
    macAddress: port.mac_address?.toLowerCase(),
    allowedAddressPairs: pairInputs(port.allowed_address_pairs),
    securityGroups: port.security_groups,
    portSecurityEnabled: port.port_security_enabled,
    extraDhcpOpts: dhcpOptionInputs(port.extra_dhcp_opts),
    bindingProfile: port["binding:profile"],
  };
}

/** The same query (filters kept) for the page after `marker`. */
function nextPageQuery(url: string, limit: number, marker: string): string {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  const kept = query.split("&").filter((part) => part !== "" && !/^(limit|marker|page_reverse)=/.test(part));
  return [...kept, `limit=${limit}`, `marker=${encodeURIComponent(marker)}`].join("&");
}

export function neutronRoutes(context: UseCaseContext) {
  return async (app: FastifyInstance) => {
    acceptPythonBooleans(app);
    app.get<{ Querystring: ListPortsQuery }>(
      "/v2.0/ports",
      { schema: { querystring: listPortsQuerySchema }, config: { errors } },
      async (request) => {
        const filter = portFilter(callerOf(request), request.query);
        if (filter && (request.query.sort_key !== undefined || request.query.changed_since !== undefined)) {
          // Sorted by other keys than id, or by time: the matching ports as any other collection.
          const all = await listPorts(context, { ...filter, page: undefined });
          return collectionAnswer(request, "ports", all.map(portBody), request.query);
        }
        const ports = filter ? await listPorts(context, filter) : [];
        // A full page links on: forwards after its last port, or, read backwards, to the ports before its first.
        const reverse = filter?.page?.reverse === true;
        const edge = reverse ? ports[0] : ports.at(-1);
        const links =
          filter?.page && edge && ports.length === filter.page.limit
            ? [
                {
                  rel: reverse ? "previous" : "next",
                  href: `${baseUrlOf(request)}/v2.0/ports?${nextPageQuery(request.url, filter.page.limit, edge.id)}${reverse ? "&page_reverse=true" : ""}`,
                },
              ]
            : [];
        const bodies = ports.map((port) => selectFields(portBody(port), request.query.fields));
        return { ports: bodies, ...(links.length > 0 ? { ports_links: links } : {}) };
      },
    );
    app.get<{ Params: { port_id: string }; Querystring: ShowQuery }>(
      "/v2.0/ports/:port_id",
      { schema: { querystring: showQuerySchema }, config: { errors } },
      async (request) => ({
        port: selectFields(
          portBody(await showPort(context, callerOf(request), request.params.port_id)),
          request.query.fields,
        ),
      }),
    );
    app.post<{ Body: CreatePortBody }>(
      "/v2.0/ports",
      { schema: { body: createPortSchema }, config: { errors } },
      async (request, reply) => {
        const caller = callerOf(request);
        const { port, ports } = request.body;
        const inputs = (ports ?? (port ? [port] : [])).map((one) => portInput(caller, one));
        const created = await createPorts(context, caller, inputs);
        if (ports) return reply.code(201).send({ ports: created.map(portBody) });
        return reply.code(201).send({ port: portBody(created[0] as Port) });
      },
    );
    app.put<{ Params: { port_id: string }; Body: UpdatePortBody }>(
      "/v2.0/ports/:port_id",
      { schema: { body: updatePortSchema }, config: { errors } },
      async (request) => {
        const { port } = request.body;
        refuseDeepProfile(port["binding:profile"]);
        const updated = await updatePort(
          context,
          callerOf(request),
          request.params.port_id,
          {
            name: port.name,
            description: port.description,
            adminStateUp: port.admin_state_up,
            fixedIps: fixedIpRequests(port.fixed_ips),
            allowedAddressPairs: pairInputs(port.allowed_address_pairs),
            securityGroups: port.security_groups,
            portSecurityEnabled: port.port_security_enabled,
            extraDhcpOpts: dhcpOptionInputs(port.extra_dhcp_opts),
            bindingProfile: port["binding:profile"],
          },
          expectedRevision(request),
        );
        return { port: portBody(updated) };
      },
    );
    app.delete<{ Params: { port_id: string } }>(
      "/v2.0/ports/:port_id",
      { config: { errors } },
      async (request, reply) => {
        await deletePort(context, callerOf(request), request.params.port_id);
        return reply.code(204).send();
      },
    );
  };
}

function refuseDeepProfile(profile: unknown): void {
  if (bindingProfileTooDeep(profile)) {
    fail("neutronInvalidInput", `binding:profile nests deeper than ${MAX_BINDING_PROFILE_DEPTH} levels.`);
  }
}
