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
  tag: "IAM" | "VPC" | "EIP" | "Neutron" | "ECS" | "Console" | "Operations" | "Fault injection";
  summary: string;
  status?: number;
  response: keyof typeof RESPONSES;
  /** For a `text` answer: its media type (text/plain unless given). */
  contentType?: string;
  errors?: ErrorId[];
}

const ecsNic: ErrorId[] = [
  "ecsSubnetNotFound",
  "ecsVpcMismatch",
  "ecsIpNotInSubnet",
  "ecsIpInUse",
  "ecsSubnetExhausted",
];
const createServers: ErrorId[] = [
  "ecsCountExceeded",
  "ecsNicQuotaExceeded",
  "ecsVpcMismatch",
  "ecsQuotaExceeded",
  "ecsWeakPassword",
  "ecsInvalidDescription",
  ...ecsNic,
];
const neutronPortGroups: ErrorId[] = ["neutronSgNotFound", "neutronPortSecurityRequired"];
const neutronPools: ErrorId[] = [
  "neutronInvalidInput",
  "neutronInvalidAllocationPool",
  "neutronOutOfBoundsAllocationPool",
  "neutronOverlappingAllocationPools",
  "neutronGatewayConflictWithAllocationPools",
];

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
    errors: ["iamWrongCredentials", "iamProjectNotFound", "iamUserLocked"],
  },
  "GET /v3/auth/tokens": {
    operationId: "keystoneValidateToken",
    tag: "IAM",
    summary: "Verify the token in X-Subject-Token and show it",
    response: "token",
    errors: ["iamTokenNotFound"],
  },
  "DELETE /v3/auth/tokens": {
    operationId: "keystoneRevokeToken",
    tag: "IAM",
    summary: "Revoke the token in X-Subject-Token at once",
    status: 204,
    response: "empty",
    errors: ["iamTokenNotFound"],
  },
  "GET /v3/ecs-vip/audit-records": {
    operationId: "listAuditRecords",
    tag: "IAM",
    summary: "The audit trail of the caller's account (its admin user only)",
    response: "auditRecords",
    errors: ["iamForbidden"],
  },
  "GET /v3/projects": {
    operationId: "listProjects",
    tag: "IAM",
    summary: "List the caller's projects",
    response: "projects",
  },
  "GET /v3/projects/:project_id": {
    operationId: "showProject",
    tag: "IAM",
    summary: "Show a project",
    response: "project",
    errors: ["iamProjectUnknown"],
  },

  "POST /v3/projects": {
    operationId: "keystoneCreateProject",
    tag: "IAM",
    summary: "Create a project under a region project of the caller's account",
    status: 201,
    response: "project",
    errors: ["iamConflict"],
  },
  "POST /v3.0/OS-USER/users": {
    operationId: "createUser",
    tag: "IAM",
    summary: "Create an IAM user",
    status: 201,
    response: "user",
    errors: ["iamConflict"],
  },
  "GET /v3/users": {
    operationId: "keystoneListUsers",
    tag: "IAM",
    summary: "List the account's users",
    response: "users",
  },
  "GET /v3/users/:user_id": {
    operationId: "keystoneShowUser",
    tag: "IAM",
    summary: "Show a user (a user may show itself)",
    response: "user",
    errors: ["iamUserNotFound"],
  },
  "PATCH /v3/users/:user_id": {
    operationId: "keystoneUpdateUserByAdmin",
    tag: "IAM",
    summary: "Change a user's name, password, description or enabled flag",
    response: "user",
    errors: ["iamUserNotFound", "iamConflict"],
  },
  "DELETE /v3/users/:user_id": {
    operationId: "keystoneDeleteUser",
    tag: "IAM",
    summary: "Delete a user with its access keys; its tokens stop at once",
    status: 204,
    response: "empty",
    errors: ["iamUserNotFound"],
  },
  "POST /v3/users/:user_id/password": {
    operationId: "keystoneUpdateUserPassword",
    tag: "IAM",
    summary: "Change one's own password",
    status: 204,
    response: "empty",
    errors: ["iamPolicyDenied", "iamWrongCredentials", "iamUserNotFound"],
  },
  "POST /v3/groups": {
    operationId: "keystoneCreateGroup",
    tag: "IAM",
    summary: "Create a user group",
    status: 201,
    response: "group",
    errors: ["iamConflict"],
  },
  "GET /v3/groups": { operationId: "keystoneListGroups", tag: "IAM", summary: "List user groups", response: "groups" },
  "PUT /v3/groups/:group_id/users/:user_id": {
    operationId: "keystoneAddUserToGroup",
    tag: "IAM",
    summary: "Add a user to a user group",
    status: 204,
    response: "empty",
    errors: ["iamGroupNotFound", "iamUserNotFound"],
  },
  "GET /v3/roles": {
    operationId: "keystoneListPermissions",
    tag: "IAM",
    summary: "List the system roles and policies",
    response: "roles",
  },
  "PUT /v3/projects/:project_id/groups/:group_id/roles/:role_id": {
    operationId: "keystoneAssociateGroupWithProjectPermission",
    tag: "IAM",
    summary: "Grant a role to a user group on a project",
    status: 204,
    response: "empty",
    errors: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound"],
  },
  "DELETE /v3/projects/:project_id/groups/:group_id/roles/:role_id": {
    operationId: "keystoneRemoveProjectPermissionFromGroup",
    tag: "IAM",
    summary: "Take a role from a user group on a project",
    status: 204,
    response: "empty",
    errors: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound", "iamGrantNotFound"],
  },
  "HEAD /v3/projects/:project_id/groups/:group_id/roles/:role_id": {
    operationId: "keystoneCheckProjectPermissionForGroup",
    tag: "IAM",
    summary: "Whether a user group holds a role on a project",
    status: 204,
    response: "empty",
    errors: ["iamProjectUnknown", "iamGroupNotFound", "iamRoleNotFound", "iamGrantNotFound"],
  },
  "POST /v3.0/OS-CREDENTIAL/credentials": {
    operationId: "createPermanentAccessKey",
    tag: "IAM",
    summary: "Create a permanent access key (the secret is shown once)",
    status: 201,
    response: "credential",
    errors: ["iamPolicyDenied", "iamUserNotFound", "iamAccessKeyQuota"],
  },
  "GET /v3.0/OS-CREDENTIAL/credentials": {
    operationId: "listPermanentAccessKeys",
    tag: "IAM",
    summary: "List a user's permanent access keys (the caller's by default)",
    response: "credentials",
    errors: ["iamPolicyDenied", "iamUserNotFound"],
  },
  "GET /v3.0/OS-CREDENTIAL/credentials/:access_key": {
    operationId: "showPermanentAccessKey",
    tag: "IAM",
    summary: "Show a permanent access key",
    response: "credential",
    errors: ["iamPolicyDenied", "iamCredentialNotFound"],
  },
  "PUT /v3.0/OS-CREDENTIAL/credentials/:access_key": {
    operationId: "updatePermanentAccessKey",
    tag: "IAM",
    summary: "Activate or deactivate a permanent access key, or change its description",
    response: "credential",
    errors: ["iamPolicyDenied", "iamCredentialNotFound"],
  },
  "DELETE /v3.0/OS-CREDENTIAL/credentials/:access_key": {
    operationId: "deletePermanentAccessKey",
    tag: "IAM",
    summary: "Delete a permanent access key; it stops signing at once",
    status: 204,
    response: "empty",
    errors: ["iamPolicyDenied", "iamCredentialNotFound"],
  },

  // VPC v1
  "POST /v1/:project_id/vpcs": {
    operationId: "createVpc",
    tag: "VPC",
    summary: "Create a VPC",
    response: "vpc",
    errors: ["vpcQuotaExceeded", "vpcNameExists"],
  },
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
    errors: ["subnetNotFound", "subnetNotInVpc", "subnetUsedByServers", "subnetHasPorts"],
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

  "PUT /v1/:project_id/vpcs/:vpc_id": {
    operationId: "updateVpc",
    tag: "VPC",
    summary: "Update a VPC's name, description or CIDR",
    response: "vpc",
    errors: ["vpcNotFound", "vpcInvalidParameter", "vpcNameExists"],
  },
  "PUT /v1/:project_id/vpcs/:vpc_id/subnets/:subnet_id": {
    operationId: "updateSubnet",
    tag: "VPC",
    summary: "Update a subnet's name, description, DHCP and DNS settings",
    response: "subnetStatus",
    errors: ["subnetNotFound", "subnetNotInVpc"],
  },
  "POST /v1/:project_id/ports": {
    operationId: "createPort",
    tag: "VPC",
    summary: "Create a port (plain or neutron:VIP_PORT) on a subnet",
    response: "port",
    errors: ["subnetNotFound", "privateIpInvalidAddress", "privateIpInUse", "privateIpExhausted"],
  },
  "GET /v1/:project_id/ports": {
    operationId: "listPorts",
    tag: "VPC",
    summary: "List ports",
    response: "ports",
  },
  "GET /v1/:project_id/ports/:port_id": {
    operationId: "showPort",
    tag: "VPC",
    summary: "Show a port",
    response: "port",
    errors: ["portNotFoundV1"],
  },
  "PUT /v1/:project_id/ports/:port_id": {
    operationId: "updatePort",
    tag: "VPC",
    summary: "Update a port's name or allowed address pairs",
    response: "port",
    errors: ["portNotFoundV1"],
  },
  "DELETE /v1/:project_id/ports/:port_id": {
    operationId: "deletePort",
    tag: "VPC",
    summary: "Delete a port no device owns",
    status: 204,
    response: "empty",
    errors: ["portNotFoundV1", "portInUseV1"],
  },
  "GET /v1/:project_id/quotas": {
    operationId: "showQuota",
    tag: "VPC",
    summary: "Show the project's VPC quotas and their use",
    response: "quotas",
  },
  "POST /v1/:project_id/security-groups": {
    operationId: "createSecurityGroup",
    tag: "VPC",
    summary: "Create a security group",
    response: "securityGroup",
  },
  "GET /v1/:project_id/security-groups": {
    operationId: "listSecurityGroups",
    tag: "VPC",
    summary: "List security groups",
    response: "securityGroups",
  },
  "GET /v1/:project_id/security-groups/:security_group_id": {
    operationId: "showSecurityGroup",
    tag: "VPC",
    summary: "Show a security group with its rules",
    response: "securityGroup",
    errors: ["sgNotFound"],
  },
  "DELETE /v1/:project_id/security-groups/:security_group_id": {
    operationId: "deleteSecurityGroup",
    tag: "VPC",
    summary: "Delete a security group no port uses (not the default)",
    status: 204,
    response: "empty",
    errors: ["sgNotFound", "sgDefaultUndeletable", "sgInUse"],
  },
  "POST /v1/:project_id/security-groups/:security_group_id/instance/action": {
    operationId: "batchCreateOrDeleteSecurityGroupPorts",
    tag: "VPC",
    summary: "Associate up to 20 ports with a security group, or disassociate them (failures per port in `fail`)",
    response: "portGroupAction",
    errors: ["sgNotFound"],
  },
  "POST /v2.0/:project_id/security-groups/:security_group_id/instance/action": {
    operationId: "batchCreateOrDeleteSecurityGroupPortsV2",
    tag: "VPC",
    summary: "The same, at the path the reference's URI gives",
    response: "portGroupAction",
    errors: ["sgNotFound"],
  },
  "POST /v1/:project_id/security-group-rules": {
    operationId: "createSecurityGroupRule",
    tag: "VPC",
    summary: "Create a security group rule",
    response: "securityGroupRule",
    errors: ["sgNotFound", "sgRuleExists"],
  },
  "GET /v1/:project_id/security-group-rules": {
    operationId: "listSecurityGroupRules",
    tag: "VPC",
    summary: "List security group rules",
    response: "securityGroupRules",
  },
  "GET /v1/:project_id/security-group-rules/:rule_id": {
    operationId: "showSecurityGroupRule",
    tag: "VPC",
    summary: "Show a security group rule",
    response: "securityGroupRule",
    errors: ["sgRuleNotFound"],
  },
  "DELETE /v1/:project_id/security-group-rules/:rule_id": {
    operationId: "deleteSecurityGroupRule",
    tag: "VPC",
    summary: "Delete a security group rule",
    status: 204,
    response: "empty",
    errors: ["sgRuleNotFound"],
  },
  "POST /v1/:project_id/publicips": {
    operationId: "createPublicip",
    tag: "EIP",
    summary: "Assign an EIP from the pool, given or automatic, optionally bound to a port",
    response: "publicip",
    errors: ["eipAddressInUse", "eipPoolExhausted", "eipPortHasEip"],
  },
  "GET /v1/:project_id/publicips": {
    operationId: "listPublicips",
    tag: "EIP",
    summary: "List EIPs",
    response: "publicips",
  },
  "GET /v1/:project_id/publicips/:publicip_id": {
    operationId: "showPublicip",
    tag: "EIP",
    summary: "Show an EIP",
    response: "publicip",
    errors: ["eipNotFound"],
  },
  "PUT /v1/:project_id/publicips/:publicip_id": {
    operationId: "updatePublicip",
    tag: "EIP",
    summary: "Bind an EIP to a port, unbind it, or rename it",
    response: "publicip",
    errors: ["eipNotFound", "eipAlreadyBound", "eipPortHasEip"],
  },
  "DELETE /v1/:project_id/publicips/:publicip_id": {
    operationId: "deletePublicip",
    tag: "EIP",
    summary: "Release an unbound EIP",
    status: 204,
    response: "empty",
    errors: ["eipNotFound", "eipBoundNotReleasable"],
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
      ...neutronPortGroups,
    ],
  },
  "PUT /v2.0/ports/:port_id": {
    operationId: "neutronUpdatePort",
    tag: "Neutron",
    summary: "Update a port's name, description or allowed address pairs",
    response: "port",
    errors: [
      "portNotFound",
      "neutronInvalidInput",
      "neutronPairsExhausted",
      ...neutronPortGroups,
      "neutronPortHasSecurityGroup",
    ],
  },
  "DELETE /v2.0/ports/:port_id": {
    operationId: "neutronDeletePort",
    tag: "Neutron",
    summary: "Delete a port (a VIP port's bindings go with it)",
    status: 204,
    response: "empty",
    errors: ["portNotFound", "neutronPortInUse"],
  },
  "POST /v2.0/networks": {
    operationId: "neutronCreateNetwork",
    tag: "Neutron",
    summary: "Create a network (no VPC, no subnet yet)",
    status: 201,
    response: "network",
    errors: ["neutronInvalidInput"],
  },
  "GET /v2.0/networks": {
    operationId: "neutronListNetworks",
    tag: "Neutron",
    summary: "List networks (VPC v1 subnets' networks too)",
    response: "networks",
  },
  "GET /v2.0/networks/:network_id": {
    operationId: "neutronShowNetwork",
    tag: "Neutron",
    summary: "Show a network",
    response: "network",
    errors: ["networkNotFound"],
  },
  "PUT /v2.0/networks/:network_id": {
    operationId: "neutronUpdateNetwork",
    tag: "Neutron",
    summary: "Update a network's name, description or port-security default",
    response: "network",
    errors: ["networkNotFound", "neutronInvalidInput"],
  },
  "DELETE /v2.0/networks/:network_id": {
    operationId: "neutronDeleteNetwork",
    tag: "Neutron",
    summary: "Delete a network with its subnets (refused while other ports use it)",
    status: 204,
    response: "empty",
    errors: ["networkNotFound", "neutronNetworkInUse"],
  },
  "POST /v2.0/subnets": {
    operationId: "neutronCreateSubnet",
    tag: "Neutron",
    summary: "Create a subnet in a Neutron network",
    status: 201,
    response: "neutronSubnet",
    errors: [...neutronPools, "networkNotFound", "neutronOverQuota"],
  },
  "GET /v2.0/subnets": {
    operationId: "neutronListSubnets",
    tag: "Neutron",
    summary: "List subnets (VPC v1 subnets too)",
    response: "neutronSubnets",
  },
  "GET /v2.0/subnets/:subnet_id": {
    operationId: "neutronShowSubnet",
    tag: "Neutron",
    summary: "Show a subnet",
    response: "neutronSubnet",
    errors: ["neutronSubnetNotFound"],
  },
  "PUT /v2.0/subnets/:subnet_id": {
    operationId: "neutronUpdateSubnet",
    tag: "Neutron",
    summary: "Update a subnet's name, description, allocation pools or DNS servers",
    response: "neutronSubnet",
    errors: [...neutronPools, "neutronSubnetNotFound"],
  },
  "DELETE /v2.0/subnets/:subnet_id": {
    operationId: "neutronDeleteSubnet",
    tag: "Neutron",
    summary: "Delete a subnet (refused while other ports hold its addresses)",
    status: 204,
    response: "empty",
    errors: ["neutronSubnetNotFound", "neutronSubnetInUse"],
  },
  "GET /v2.0/extensions": {
    operationId: "neutronListExtensions",
    tag: "Neutron",
    summary: "List the API extensions implemented",
    response: "extensions",
  },
  "GET /v2.0/extensions/:alias": {
    operationId: "neutronShowExtension",
    tag: "Neutron",
    summary: "Show an extension",
    response: "extension",
    errors: ["neutronExtensionNotFound"],
  },

  "POST /v2.0/security-groups": {
    operationId: "neutronCreateSecurityGroup",
    tag: "Neutron",
    summary: "Create a security group",
    status: 201,
    response: "securityGroup",
    errors: ["neutronSgDefaultExists", "neutronInvalidInput"],
  },
  "GET /v2.0/security-groups": {
    operationId: "neutronListSecurityGroups",
    tag: "Neutron",
    summary: "List security groups",
    response: "securityGroups",
  },
  "GET /v2.0/security-groups/:id": {
    operationId: "neutronShowSecurityGroup",
    tag: "Neutron",
    summary: "Show a security group with its rules",
    response: "securityGroup",
    errors: ["neutronSgNotFound"],
  },
  "PUT /v2.0/security-groups/:id": {
    operationId: "neutronUpdateSecurityGroup",
    tag: "Neutron",
    summary: "Update a security group's name or description",
    response: "securityGroup",
    errors: ["neutronSgNotFound", "neutronSgDefaultUnchangeable", "neutronSgDefaultExists"],
  },
  "DELETE /v2.0/security-groups/:id": {
    operationId: "neutronDeleteSecurityGroup",
    tag: "Neutron",
    summary: "Delete a security group no port uses (not the default)",
    status: 204,
    response: "empty",
    errors: ["neutronSgNotFound", "neutronSgDefaultUndeletable", "neutronSgInUse"],
  },
  "POST /v2.0/security-group-rules": {
    operationId: "neutronCreateSecurityGroupRule",
    tag: "Neutron",
    summary: "Create a security group rule",
    status: 201,
    response: "securityGroupRule",
    errors: ["neutronInvalidInput", "neutronSgNotFound", "neutronSgRuleExists"],
  },
  "GET /v2.0/security-group-rules": {
    operationId: "neutronListSecurityGroupRules",
    tag: "Neutron",
    summary: "List security group rules",
    response: "securityGroupRules",
  },
  "GET /v2.0/security-group-rules/:id": {
    operationId: "neutronShowSecurityGroupRule",
    tag: "Neutron",
    summary: "Show a security group rule",
    response: "securityGroupRule",
    errors: ["neutronSgRuleNotFound"],
  },
  "DELETE /v2.0/security-group-rules/:id": {
    operationId: "neutronDeleteSecurityGroupRule",
    tag: "Neutron",
    summary: "Delete a security group rule",
    status: 204,
    response: "empty",
    errors: ["neutronSgRuleNotFound"],
  },
  "POST /v2.0/floatingips": {
    operationId: "neutronCreateFloatingIp",
    tag: "Neutron",
    summary: "Allocate a floating IP, optionally associated with a port",
    status: 201,
    response: "floatingip",
    errors: [
      "networkNotFound",
      "neutronInvalidInput",
      "neutronIpInUse",
      "neutronIpExhausted",
      "portNotFound",
      "neutronFloatingIpPortTaken",
    ],
  },
  "GET /v2.0/floatingips": {
    operationId: "neutronListFloatingIps",
    tag: "Neutron",
    summary: "List floating IPs",
    response: "floatingips",
  },
  "GET /v2.0/floatingips/:id": {
    operationId: "neutronShowFloatingIp",
    tag: "Neutron",
    summary: "Show a floating IP",
    response: "floatingip",
    errors: ["neutronFloatingIpNotFound"],
  },
  "PUT /v2.0/floatingips/:id": {
    operationId: "neutronUpdateFloatingIp",
    tag: "Neutron",
    summary: "Associate a floating IP with a port (moving it), or disassociate it",
    response: "floatingip",
    errors: ["neutronFloatingIpNotFound", "portNotFound", "neutronFloatingIpPortTaken"],
  },
  "DELETE /v2.0/floatingips/:id": {
    operationId: "neutronDeleteFloatingIp",
    tag: "Neutron",
    summary: "Release a floating IP (disassociating it first)",
    status: 204,
    response: "empty",
    errors: ["neutronFloatingIpNotFound"],
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

  "GET /v1/:project_id/cloudservers/limits": {
    operationId: "showServerLimits",
    tag: "ECS",
    summary: "Show the project's ECS limits and their use",
    response: "limits",
  },

  // Web console
  "GET /console": {
    operationId: "showConsole",
    tag: "Console",
    summary: "The web console's page",
    response: "text",
    contentType: "text/html",
    errors: ["routeNotFound"],
  },
  "GET /console/assets/:name": {
    operationId: "showConsoleAsset",
    tag: "Console",
    summary: "A file of the web console",
    response: "text",
    contentType: "*/*",
    errors: ["routeNotFound"],
  },
  "GET /console/api/topology": {
    operationId: "showConsoleTopology",
    tag: "Console",
    summary: "The project's VPCs, subnets, servers, VIPs and bindings, for the console (ETag, 304)",
    response: "topology",
  },
  "GET /console/api/events": {
    operationId: "watchConsoleEvents",
    tag: "Console",
    summary:
      "Server-sent events: `changed` (data: the revision) after every committed change to ports, servers or subnets",
    response: "text",
    contentType: "text/event-stream",
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
    contentType: "text/html",
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

/**
 * A fallback so the server still names a route missing from the table (`get_v2_0_things_id`); the OpenAPI test fails
 * on any such route, so a new route lands with its own entry.
 */
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
