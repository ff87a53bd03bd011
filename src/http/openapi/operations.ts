import type { ErrorId } from "../../errors/registry.js";
import type { RESPONSES } from "./response-shapes.js";

/**
 * What the OpenAPI document says about each route beyond its validating schemas: a stable `operationId` (also the
 * name fault rules match), a summary, the successful answer, and the errors the route's use case can raise. The errors
 * every route shares (authentication, malformed input, its service's invalid / blank / busy / internal codes) are
 * added from the route's own `config.errors`, so they are not repeated here.
 */
export interface OperationDoc {
  operationId: string;
  tag: "IAM" | "VPC" | "Neutron" | "ECS" | "Operations" | "Fault injection";
  summary: string;
  status?: number;
  response: keyof typeof RESPONSES;
  errors?: ErrorId[];
}

const ecsNic: ErrorId[] = [
  "ecsSubnetNotFound",
  "ecsVpcMismatch",
  "ecsIpNotInSubnet",
  "ecsIpInUse",
  "ecsSubnetExhausted",
];
const createServers: ErrorId[] = ["ecsCountExceeded", "ecsNicQuotaExceeded", "ecsVpcMismatch", ...ecsNic];

/** Keyed by `METHOD path` in Fastify's form (`/v1/:project_id/vpcs`). */
export const OPERATIONS: Record<string, OperationDoc> = {
  // IAM
  "GET /": {
    operationId: "listIdentityVersions",
    tag: "IAM",
    summary: "Identity version discovery",
    status: 300,
    response: "versions",
  },
  "GET /v3": {
    operationId: "showIdentityVersion",
    tag: "IAM",
    summary: "Identity v3 version document",
    response: "version",
  },
  "POST /v3/auth/tokens": {
    operationId: "createUserTokenByPassword",
    tag: "IAM",
    summary: "Issue a token for a user name and password (token in X-Subject-Token)",
    status: 201,
    response: "token",
    errors: ["iamWrongCredentials", "iamProjectNotFound"],
  },
  "GET /v3/projects": {
    operationId: "listProjects",
    tag: "IAM",
    summary: "List the caller's projects",
    response: "projects",
  },
  "GET /v3/projects/:id": {
    operationId: "showProject",
    tag: "IAM",
    summary: "Show a project",
    response: "project",
    errors: ["iamProjectUnknown"],
  },

  // VPC v1
  "POST /v1/:project_id/vpcs": { operationId: "createVpc", tag: "VPC", summary: "Create a VPC", response: "vpc" },
  "GET /v1/:project_id/vpcs": { operationId: "listVpcs", tag: "VPC", summary: "List VPCs", response: "vpcs" },
  "GET /v1/:project_id/vpcs/:vpc_id": {
    operationId: "showVpc",
    tag: "VPC",
    summary: "Show a VPC",
    response: "vpc",
    errors: ["vpcNotFound"],
  },
  "DELETE /v1/:project_id/vpcs/:vpc_id": {
    operationId: "deleteVpc",
    tag: "VPC",
    summary: "Delete a VPC without subnets",
    status: 204,
    response: "empty",
    errors: ["vpcNotFound", "vpcHasSubnets"],
  },
  "POST /v1/:project_id/subnets": {
    operationId: "createSubnet",
    tag: "VPC",
    summary: "Create a subnet (also a Neutron network)",
    response: "subnet",
    errors: ["subnetInvalidCidr", "vpcNotFound", "subnetOutsideVpc", "subnetConflict"],
  },
  "GET /v1/:project_id/subnets": {
    operationId: "listSubnets",
    tag: "VPC",
    summary: "List subnets",
    response: "subnets",
  },
  "GET /v1/:project_id/subnets/:subnet_id": {
    operationId: "showSubnet",
    tag: "VPC",
    summary: "Show a subnet",
    response: "subnet",
    errors: ["subnetNotFound"],
  },
  "DELETE /v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id": {
    operationId: "deleteSubnet",
    tag: "VPC",
    summary: "Delete a subnet without ports in use",
    status: 204,
    response: "empty",
    errors: ["subnetNotFound", "subnetNotInVpc", "subnetHasPorts"],
  },
  "POST /v1/:project_id/privateips": {
    operationId: "createPrivateip",
    tag: "VPC",
    summary: "Assign private IPs, given or automatic",
    response: "privateips",
    errors: ["privateIpSubnetNotFound", "privateIpInUse", "privateIpExhausted"],
  },
  "GET /v1/:project_id/subnets/:subnet_id/privateips": {
    operationId: "listPrivateips",
    tag: "VPC",
    summary: "List a subnet's private IPs",
    response: "privateips",
    errors: ["privateIpSubnetNotFound"],
  },
  "GET /v1/:project_id/privateips/:privateip_id": {
    operationId: "showPrivateip",
    tag: "VPC",
    summary: "Show a private IP",
    response: "privateip",
    errors: ["privateIpNotFound"],
  },
  "DELETE /v1/:project_id/privateips/:privateip_id": {
    operationId: "deletePrivateip",
    tag: "VPC",
    summary: "Release a private IP no NIC uses as a virtual IP",
    status: 204,
    response: "empty",
    errors: ["privateIpNotFound", "privateIpBound"],
  },

  // Neutron v2.0
  "GET /v2.0/ports": { operationId: "neutronListPorts", tag: "Neutron", summary: "List ports", response: "ports" },
  "GET /v2.0/ports/:port_id": {
    operationId: "neutronShowPort",
    tag: "Neutron",
    summary: "Show a port",
    response: "port",
    errors: ["portNotFound"],
  },
  "POST /v2.0/ports": {
    operationId: "neutronCreatePort",
    tag: "Neutron",
    summary: "Create a port (plain or neutron:VIP_PORT)",
    status: 201,
    response: "port",
    errors: [
      "neutronInvalidInput",
      "networkNotFound",
      "neutronInvalidIpForSubnet",
      "neutronIpInUse",
      "neutronIpExhausted",
      "neutronPairsExhausted",
    ],
  },
  "PUT /v2.0/ports/:port_id": {
    operationId: "neutronUpdatePort",
    tag: "Neutron",
    summary: "Update a port's name, description or allowed address pairs",
    response: "port",
    errors: ["portNotFound", "neutronInvalidInput", "neutronPairsExhausted"],
  },
  "DELETE /v2.0/ports/:port_id": {
    operationId: "neutronDeletePort",
    tag: "Neutron",
    summary: "Delete a port (a VIP port's bindings go with it)",
    status: 204,
    response: "empty",
    errors: ["portNotFound", "neutronPortInUse"],
  },
  "GET /v2.0/networks": {
    operationId: "neutronListNetworks",
    tag: "Neutron",
    summary: "List networks",
    response: "networks",
  },
  "GET /v2.0/networks/:network_id": {
    operationId: "neutronShowNetwork",
    tag: "Neutron",
    summary: "Show a network",
    response: "network",
    errors: ["networkNotFound"],
  },
  "GET /v2.0/extensions": {
    operationId: "neutronListExtensions",
    tag: "Neutron",
    summary: "List extensions (none)",
    response: "extensions",
  },
  "GET /v2.0/extensions/:alias": {
    operationId: "neutronShowExtension",
    tag: "Neutron",
    summary: "Show an extension (none exists)",
    response: "empty",
    errors: ["neutronExtensionNotFound"],
  },

  // ECS
  "PUT /v1/:project_id/cloudservers/nics/:nic_id": {
    operationId: "associateServerVirtualIp",
    tag: "ECS",
    summary: "Bind a virtual IP to a NIC; with subnet_id and ip_address both empty, unbind",
    response: "portId",
    errors: [
      "ecsPortNotFound",
      "ecsNotServerNic",
      "ecsServerNotFound",
      "ecsServerStatus",
      "ecsSubnetNotFound",
      "ecsVpcMismatch",
      "ecsIpNotInSubnet",
      "ecsIpInUse",
      "ecsPortUpdateFailed",
    ],
  },
  "POST /v1/:project_id/cloudservers": {
    operationId: "createServers",
    tag: "ECS",
    summary: "Create servers (asynchronous job)",
    response: "createdServers",
    errors: createServers,
  },
  "POST /v1.1/:project_id/cloudservers": {
    operationId: "createPostPaidServers",
    tag: "ECS",
    summary: "Create pay-per-use servers (asynchronous job)",
    response: "createdServers",
    errors: createServers,
  },
  "GET /v1/:project_id/jobs/:job_id": {
    operationId: "showJob",
    tag: "ECS",
    summary: "Show a job",
    response: "job",
    errors: ["ecsJobNotFound"],
  },
  "GET /v1/:project_id/cloudservers/detail": {
    operationId: "listServersDetails",
    tag: "ECS",
    summary: "List servers with details",
    response: "servers",
  },
  "GET /v1/:project_id/cloudservers/:server_id": {
    operationId: "showServer",
    tag: "ECS",
    summary: "Show a server",
    response: "server",
    errors: ["ecsServerNotFound"],
  },
  "GET /v1/:project_id/cloudservers/:server_id/os-interface": {
    operationId: "listServerInterfaces",
    tag: "ECS",
    summary: "List a server's NICs",
    response: "interfaces",
    errors: ["ecsServerNotFound"],
  },
  "POST /v1/:project_id/cloudservers/:server_id/nics": {
    operationId: "batchAddServerNics",
    tag: "ECS",
    summary: "Add NICs to a server",
    response: "jobId",
    errors: ["ecsServerNotFound", "ecsServerStatus", "ecsNicQuotaExceeded", ...ecsNic],
  },
  "POST /v1/:project_id/cloudservers/:server_id/nics/delete": {
    operationId: "batchDeleteServerNics",
    tag: "ECS",
    summary: "Delete NICs from a server",
    response: "jobId",
    errors: ["ecsServerNotFound", "ecsServerStatus", "ecsNotServerNic", "ecsPrimaryNicUndeletable"],
  },
  "POST /v1/:project_id/cloudservers/action": {
    operationId: "batchServersAction",
    tag: "ECS",
    summary: "Start, stop or reboot servers",
    response: "jobId",
    errors: ["ecsServerNotFound", "ecsServerStatus"],
  },
  "POST /v1/:project_id/cloudservers/delete": {
    operationId: "deleteServers",
    tag: "ECS",
    summary: "Delete servers with their NICs",
    response: "jobId",
    errors: ["ecsServerNotFound"],
  },

  // ecs-vip's own: documentation, operations, fault injection
  "GET /openapi.json": {
    operationId: "showOpenApiDocument",
    tag: "Operations",
    summary: "This document",
    response: "empty",
  },
  "GET /docs": {
    operationId: "showDocs",
    tag: "Operations",
    summary: "This document as an HTML page",
    response: "text",
  },
  "GET /healthz": {
    operationId: "checkHealth",
    tag: "Operations",
    summary: "The process is alive",
    response: "health",
  },
  "GET /readyz": {
    operationId: "checkReadiness",
    tag: "Operations",
    summary: "Store reachable, migrations applied, data plane reconciled where it is on (503 when not)",
    response: "health",
  },
  "GET /metrics": { operationId: "showMetrics", tag: "Operations", summary: "Prometheus metrics", response: "text" },
  "GET /ecs-vip/v1/faults": {
    operationId: "listFaults",
    tag: "Fault injection",
    summary: "List fault rules (admin user only)",
    response: "faultRules",
    errors: ["forbidden"],
  },
  "POST /ecs-vip/v1/faults": {
    operationId: "addFault",
    tag: "Fault injection",
    summary: "Add a fault rule (admin user only)",
    status: 201,
    response: "faultRule",
    errors: ["forbidden"],
  },
  "DELETE /ecs-vip/v1/faults": {
    operationId: "clearFaults",
    tag: "Fault injection",
    summary: "Remove every fault rule (admin user only)",
    response: "faultsCleared",
    errors: ["forbidden"],
  },
  "DELETE /ecs-vip/v1/faults/:rule_id": {
    operationId: "deleteFault",
    tag: "Fault injection",
    summary: "Remove one fault rule (admin user only)",
    response: "faultsCleared",
    errors: ["forbidden", "faultRuleNotFound"],
  },
};

/** Routes nobody listed (yet) still get a stable id: method and path, e.g. `get_v2_0_security_groups_id`. */
export function derivedOperationId(method: string, url: string): string {
  const words = url
    .split("/")
    .filter((segment) => segment !== "" && segment !== ":project_id")
    .map((segment) => segment.replace(/^:/, "").replace(/[^A-Za-z0-9]+/g, "_"));
  return [method.toLowerCase(), ...words].join("_");
}

export function operationDoc(method: string, url: string): OperationDoc | undefined {
  return OPERATIONS[`${method} ${url}`];
}

export function operationIdOf(method: string, url: string): string {
  return operationDoc(method, url)?.operationId ?? derivedOperationId(method, url);
}
