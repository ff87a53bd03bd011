import type { FastifyInstance } from "fastify";
import type { Port } from "../../domain/model.js";
import { isIpv4 } from "../../domain/net/ipv4.js";
import { bindingProfileTooDeep, MAX_BINDING_PROFILE_DEPTH } from "../../domain/ports/binding-profile.js";
import { isMac } from "../../domain/ports/mac.js";
import { fail } from "../../errors/cloud-error.js";
import type { PortFilter } from "../../store/store.js";
import type { Caller, UseCaseContext } from "../../usecases/context.js";
import { actingForEach } from "../../usecases/neutron/acting-for.js";
import {
  type CreatePortInput,
  createPorts,
  deletePort,
  listPorts,
  showPort,
  updatePort,
} from "../../usecases/neutron/ports.js";
import { baseUrlOf } from "../base-url.js";
import { noContent, ok } from "../openapi/answers.js";
import { act } from "../permission.js";
import { callerOf, type RouteErrors } from "../request-context.js";
import { sharedAnswers } from "../shared/answers.js";
import { listOf } from "../shared/list-query.js";
import { dhcpOptionInputs, pairInputs, portFilterOf, type RefuseAddress } from "../shared/port-inputs.js";
import { unwrapBulkItems } from "./bulk.js";
import { collectionAnswer } from "./collection.js";
import { portBody } from "./mappers.js";
import { namedProject } from "./named-project.js";
import { acceptPythonBooleans, type ShowQuery, selectFields, showQuerySchema } from "./query.js";
import { expectedRevision } from "./revisions.js";
import {
  type CreatePortBody,
  createPortSchema,
  type FixedIpsBody,
  type ListPortsQuery,
  listPortsQuerySchema,
  type PortCreatable,
  type UpdatePortBody,
  updatePortSchema,
} from "./schemas.js";

const errors: RouteErrors = {
  invalid: "neutronBadRequest",
  internal: "neutronInternal",
  busy: "neutronConflict",
};

const refuseAddress: RefuseAddress = (field, value) =>
  fail("neutronInvalidInput", `'${value}' is not a valid ${field === "ip_address" ? "IP" : "MAC"} address.`);

/** Neutron filters; an impossible one (another project, a malformed fixed_ips term) simply matches nothing. */
function portFilter(caller: Caller, query: ListPortsQuery): PortFilter | undefined {
  const owner = query.project_id ?? query.tenant_id;
  if (owner !== undefined && owner !== caller.projectId) return undefined;
  const filter = portFilterOf(caller, query);
  if (!filter) return undefined;
  filter.securityGroupIds = listOf(query.security_groups);
  // Every list is paged: without a limit a project's ports would come back in one answer of any size.
  filter.page = { limit: query.limit || DEFAULT_PORT_PAGE, marker: query.marker, reverse: query.page_reverse };
  return filter;
}

/** Ports per answer when the caller names no `limit`: the reference page's 2,000 (also the most with one). */
const DEFAULT_PORT_PAGE = 2000;

function fixedIpRequests(fixedIps: FixedIpsBody | undefined) {
  return fixedIps?.map((fixedIp) => {
    if (fixedIp.ip_address !== undefined && !isIpv4(fixedIp.ip_address)) {
      fail("neutronInvalidInput", `'${fixedIp.ip_address}' is not a valid IP address.`);
    }
    return { subnetId: fixedIp.subnet_id, ipAddress: fixedIp.ip_address };
  });
}

/** Neutron's list validator: a group named twice is a bad request, not a port in it twice. */
function refuseRepeatedGroups(groups: readonly string[] | undefined): void {
  const repeated = groups?.find((id, index) => groups.indexOf(id) !== index);
  if (repeated !== undefined) {
    fail("neutronBadRequest", `Invalid input for security_groups. Reason: Duplicate items in the list: '${repeated}'.`);
  }
}

function portInput(port: PortCreatable): CreatePortInput {
  refuseDeepProfile(port["binding:profile"]);
  refuseRepeatedGroups(port.security_groups);
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
    allowedAddressPairs: pairInputs(port.allowed_address_pairs, refuseAddress),
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
      {
        schema: {
          operationId: "neutronListPorts",
          tags: ["Neutron"],
          summary: "List ports (filters, fields, sort keys, pages with links)",
          response: ok(sharedAnswers.ports),
          querystring: listPortsQuerySchema,
        },
        config: { permission: act("vpc:ports:get"), errors },
      },
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
      {
        schema: {
          operationId: "neutronShowPort",
          tags: ["Neutron"],
          summary: "Show a port (only the `fields` asked for, if any)",
          response: ok(sharedAnswers.port),
          querystring: showQuerySchema,
        },
        config: { permission: act("vpc:ports:get"), raises: ["portNotFound"], errors },
      },
      async (request) => ({
        port: selectFields(
          portBody(await showPort(context, callerOf(request), request.params.port_id)),
          request.query.fields,
        ),
      }),
    );
    app.post<{ Body: CreatePortBody }>(
      "/v2.0/ports",
      {
        schema: {
          operationId: "neutronCreatePort",
          tags: ["Neutron"],
          summary: "Create a port (plain or neutron:VIP_PORT), or several at once (all or none)",
          response: ok(sharedAnswers.port, 201),
          body: createPortSchema,
        },
        preValidation: unwrapBulkItems("port"),
        config: {
          permission: act("vpc:ports:create"),
          raises: [
            "neutronInvalidInput",
            "networkNotFound",
            "neutronInvalidIpForSubnet",
            "neutronIpInUse",
            "neutronIpExhausted",
            "neutronPairsExhausted",
            "neutronSgNotFound",
            "neutronPortSecurityRequired",
            "neutronMacInUse",
            "neutronPairsNeedPortSecurity",
            "neutronBadRequest",
            "portNotFound",
          ],
          errors,
        },
      },
      async (request, reply) => {
        const { port, ports } = request.body;
        const items = ports ?? (port ? [port] : []);
        const inputs = items.map(portInput);
        const callers = await actingForEach(context, callerOf(request), items.map(namedProject));
        const created = await createPorts(context, callers, inputs);
        if (ports) return reply.code(201).send({ ports: created.map(portBody) });
        return reply.code(201).send({ port: portBody(created[0] as Port) });
      },
    );
    app.put<{ Params: { port_id: string }; Body: UpdatePortBody }>(
      "/v2.0/ports/:port_id",
      {
        schema: {
          operationId: "neutronUpdatePort",
          tags: ["Neutron"],
          summary: "Update a port's name, description, admin state, fixed IPs, groups or allowed address pairs",
          response: ok(sharedAnswers.port),
          body: updatePortSchema,
        },
        config: {
          permission: act("vpc:ports:update"),
          raises: [
            "portNotFound",
            "neutronInvalidInput",
            "neutronPairsExhausted",
            "neutronSgNotFound",
            "neutronPortSecurityRequired",
            "neutronPortHasSecurityGroup",
            "neutronIpInUse",
            "neutronIpExhausted",
            "neutronInvalidIpForSubnet",
            "neutronRevisionMismatch",
            "neutronPairsNeedPortSecurity",
            "neutronBadRequest",
          ],
          errors,
        },
      },
      async (request) => {
        const { port } = request.body;
        refuseDeepProfile(port["binding:profile"]);
        refuseRepeatedGroups(port.security_groups);
        const updated = await updatePort(
          context,
          callerOf(request),
          request.params.port_id,
          {
            name: port.name,
            description: port.description,
            adminStateUp: port.admin_state_up,
            fixedIps: fixedIpRequests(port.fixed_ips),
            allowedAddressPairs: pairInputs(port.allowed_address_pairs, refuseAddress),
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
      {
        schema: {
          operationId: "neutronDeletePort",
          tags: ["Neutron"],
          summary: "Delete a port (a VIP port's bindings go with it)",
          response: noContent,
        },
        config: { permission: act("vpc:ports:delete"), raises: ["portNotFound", "neutronPortInUse"], errors },
      },
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
