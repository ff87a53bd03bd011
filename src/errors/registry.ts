/**
 * Every error the server can emit: the envelope it is rendered in, its cloud code, HTTP status and default message.
 * Keys are stable identifiers used in code; `code` is what clients see.
 */
export type Envelope = "ecs" | "vpc" | "neutron" | "apigw" | "iam";

export interface ErrorSpec {
  readonly envelope: Envelope;
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

const ecs = (code: string, status: number, message: string): ErrorSpec => ({
  envelope: "ecs",
  code,
  status,
  message,
});
const vpc = (code: string, status: number, message: string): ErrorSpec => ({
  envelope: "vpc",
  code,
  status,
  message,
});
const neutron = (type: string, status: number, message: string): ErrorSpec => ({
  envelope: "neutron",
  code: type,
  status,
  message,
});
const apigw = (code: string, status: number, message: string): ErrorSpec => ({
  envelope: "apigw",
  code,
  status,
  message,
});
const iam = (code: string, status: number, message: string): ErrorSpec => ({
  envelope: "iam",
  code,
  status,
  message,
});

export const ERRORS = {
  // API gateway: authentication and routing, whatever the service.
  routeNotFound: apigw("APIGW.0101", 404, "The API does not exist or has not been published in the environment."),
  authenticationFailed: apigw("APIGW.0301", 401, "Incorrect IAM authentication information."),
  requestTooLarge: apigw("APIGW.0201", 413, "Request entity too large."),
  malformedRequest: apigw("APIGW.0201", 400, "API request error."),
  gatewayInternal: apigw("APIGW.0601", 500, "Internal server error."),
  // ecs-vip's own admin endpoints (fault injection), in the gateway's envelope.
  forbidden: apigw("APIGW.0302", 403, "The IAM user is not authorized to access the API."),
  faultRuleNotFound: apigw("APIGW.0101", 404, "The fault rule does not exist."),

  // Gateway protections: throttling and lock-outs (identity and security).
  throttled: apigw("APIGW.0308", 429, "The throttling threshold has been reached."),
  accessKeyLocked: apigw(
    "APIGW.0301",
    401,
    "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden.",
  ),

  // The store cannot work now (PostgreSQL unreachable or failing over, SQLite's disk full): 503 with Retry-After, in
  // each service's envelope. ECS's one 503 code is Common.1503; the VPC and IAM pages list 503 without a code, so
  // theirs follow it; Neutron names the HTTP error as it does its 500; the gateway has APIGW.0613.
  gatewayUnavailable: apigw("APIGW.0613", 503, "The service is temporarily unavailable. Try again later."),
  iamUnavailable: iam("IAM.1503", 503, "Service unavailable. Try again later."),
  ecsUnavailable: ecs("Common.1503", 503, "The system is temporarily unavailable. Try again later."),
  vpcUnavailable: vpc("VPC.1503", 503, "The system is temporarily unavailable. Try again later."),
  neutronUnavailable: neutron("HTTPServiceUnavailable", 503, "The server is temporarily unavailable. Try again later."),

  // IAM
  iamInvalidRequest: iam("IAM.0001", 400, "The request body is invalid."),
  iamWrongCredentials: iam("IAM.0004", 401, "The username or password is wrong."),
  iamProjectNotFound: iam("IAM.0006", 401, "The project in the scope does not exist."),
  iamProjectUnknown: iam("IAM.0011", 404, "Could not find project."),
  iamInternal: iam("IAM.0010", 500, "Internal server error."),
  iamTokenNotFound: iam("IAM.0104", 404, "The token could not be found."),
  iamForbidden: iam("IAM.0003", 403, "You are not authorized to perform the requested action."),
  iamUserLocked: iam("IAM.0102", 401, "The user is locked after too many failed logins. Try again later."),
  iamPolicyDenied: iam("IAM.0003", 403, "Policy doesn't allow the action to be performed."),
  iamUserNotFound: iam("IAM.0011", 404, "Could not find user."),
  iamGroupNotFound: iam("IAM.0011", 404, "Could not find group."),
  iamDomainNotFound: iam("IAM.0011", 404, "Could not find domain."),
  iamRoleNotFound: iam("IAM.0011", 404, "Could not find role."),
  iamGrantNotFound: iam("IAM.0011", 404, "Could not find the role grant."),
  iamCredentialNotFound: iam("IAM.0011", 404, "Could not find credential."),
  iamConflict: iam("IAM.0005", 409, "A resource conflict occurs."),
  iamAccessKeyQuota: iam("IAM.0012", 400, "akSkNumExceed"),

  // ECS
  ecsBodyBlank: ecs("Common.0002", 400, "The request body cannot be left blank."),
  ecsJobNotFound: ecs("Common.0011", 400, "Failed to query system tasks."),
  ecsInternal: ecs("Common.0001", 500, "A system exception occurred. Try again later."),
  ecsInvalidParameter: ecs("Ecs.0005", 400, "Invalid parameter values."),
  ecsWeakPassword: ecs("Ecs.0011", 400, "Ensure the password meets the password complexity requirements."),
  ecsInvalidDescription: ecs("Ecs.0041", 400, "Invalid description field."),
  ecsIpInUse: ecs("Ecs.0010", 400, "The private IP address is already being used. Select another IP address."),
  ecsSubnetExhausted: ecs("Ecs.0012", 400, "The subnet does not contain enough IP addresses."),
  ecsVpcMismatch: ecs("Ecs.0014", 400, "Incorrect VPC, subnet, or security group parameter values."),
  ecsProjectMismatch: ecs("Ecs.0023", 400, "project_id in token mismatches with project_id in url."),
  ecsSubnetNotFound: ecs("Ecs.0038", 400, "The subnet does not exist."),
  ecsIpNotInSubnet: ecs("Ecs.0039", 400, "The specified IP address does not belong to the subnet."),
  ecsNicQuotaExceeded: ecs("Ecs.0050", 400, "The number of NICs attached to the ECS exceeds the quota."),
  ecsNotServerNic: ecs("Ecs.0085", 400, "The server does not have the interface."),
  ecsPrimaryNicUndeletable: ecs("Ecs.0003", 403, "The primary NIC of an ECS cannot be deleted."),
  ecsServerStatus: ecs("Ecs.0100", 400, "The ECS status does not meet requirements."),
  ecsServerNotFound: ecs("Ecs.0114", 404, "The ECS does not exist."),
  ecsPortUpdateFailed: ecs("Ecs.0213", 400, "Failed to update the port attributes."),
  ecsPortNotFound: ecs("Ecs.0307", 400, "Failed to query the port."),
  ecsQuotaExceeded: ecs("Ecs.0001", 400, "Insufficient ECS quota. Contact customer service to increase quota."),
  ecsForbidden: ecs(
    "Ecs.0003",
    403,
    "You do not have permission to perform this operation. Contact customer service to obtain permission.",
  ),
  ecsCountExceeded: ecs("Ecs.0913", 400, "The number of ECSs to be created exceeds the maximum allowed limit"),

  // VPC v1
  vpcInvalidParameter: vpc("VPC.0101", 400, "Invalid VPC parameter values."),
  vpcNotFound: vpc("VPC.0003", 404, "VPC does not exist."),
  vpcProjectMismatch: vpc("VPC.0007", 400, "Inconsistent tenant IDs."),
  vpcBusy: vpc("VPC.0103", 409, "Resource status is busy, try it again later."),
  vpcInternal: vpc("VPC.0105", 500, "Neutron error."),
  vpcQuotaExceeded: vpc("VPC.0114", 409, "Quota exceeded for resources: ['router']."),
  vpcNameExists: vpc("VPC.0115", 400, "The router name exists."),
  quotaInvalidType: vpc("VPC.1207", 400, "Invalid resource type."),
  vpcPolicyDenied: vpc("VPC.2201", 403, "Policy doesn't allow the action to be performed."),
  vpcHasSubnets: vpc("VPC.0104", 409, "Router contains subnets, please delete subnet first."),
  subnetInvalidParameter: vpc("VPC.0201", 400, "Subnet parameter is invalid."),
  subnetNotFound: vpc("VPC.0202", 404, "Query subnet fail."),
  subnetOutsideVpc: vpc("VPC.0203", 400, "Subnet is not in the range of VPC."),
  subnetConflict: vpc(
    "VPC.0204",
    400,
    "The subnet already exists in the VPC or conflicts with an existing VPC subnet.",
  ),
  subnetNotInVpc: vpc("VPC.0207", 400, "Subnet does not belong to the VPC."),
  subnetHasPorts: vpc("VPC.0208", 409, "The subnet cannot be deleted because it has private IP addresses in use."),
  subnetUsedByServers: vpc("VPC.0209", 409, "The subnet is being used by an ECS or a load balancer."),
  subnetInvalidCidr: vpc("VPC.0212", 400, "Invalid subnet CIDR block."),
  privateIpInUse: vpc("VPC.0701", 409, "The IP address is in use."),
  privateIpInvalidQuery: vpc("VPC.0702", 400, "Private IP address query error."),
  privateIpExhausted: vpc("VPC.0703", 409, "No more IP addresses available on network."),
  privateIpNotFound: vpc("VPC.0704", 404, "Resource query by ID failed."),
  privateIpInvalidAddress: vpc("VPC.0705", 400, "Invalid IP address for the specified subnet."),
  privateIpBound: vpc("VPC.0707", 409, "Private IP address is in use."),
  privateIpSubnetNotFound: vpc("VPC.2204", 404, "Query subnet by id fail."),
  portInvalidParameter: vpc("VPC.2500", 400, "Param is invalid."),
  portNotFoundV1: vpc("VPC.2501", 404, "Port does not exist."),
  portInUseV1: vpc("VPC.2502", 409, "Port is in use by a device and cannot be deleted."),

  // VPC v1 security groups (the v1 pages name no code for "in use" and rules: the V3 API's codes are used)
  sgInvalidParameter: vpc("VPC.0601", 400, "Invalid security group parameter."),
  sgNotFound: vpc("VPC.0603", 404, "Security group does not exist."),
  sgBatchInvalid: vpc("VPC.0606", 400, "Request is invalid"),
  sgInUse: vpc("VPC.9902", 409, "Security group is in use."),
  sgDefaultUndeletable: vpc("VPC.9902", 409, "The default security group cannot be deleted."),
  sgRuleExists: vpc("VPC.9902", 409, "Security group rule already exists."),
  sgRuleNotFound: vpc("VPC.9904", 404, "Security group rule could not be found."),

  // EIPs (VPC v1 publicips)
  eipInvalidParameter: vpc("VPC.0501", 400, "Invalid EIP parameters."),
  eipNotFound: vpc("VPC.0504", 404, "Floating IP could not be found."),
  eipAlreadyBound: vpc("VPC.0510", 409, "EIP has already been bound to a port."),
  eipPortHasEip: vpc("VPC.0511", 409, "The port has already been bound with an EIP."),
  eipBusy: vpc("VPC.0512", 409, "Resource status is busy, try it again later."),
  eipInternal: vpc("VPC.0514", 500, "Neutron error."),
  eipBoundNotReleasable: vpc("VPC.0517", 409, "EIP is bound to a port. Unbind it first."),
  eipAddressInUse: vpc("VPC.0522", 409, "The IP address is in use."),
  eipPoolExhausted: vpc("VPC.0532", 409, "No more IP addresses available on network."),

  // Neutron v2.0
  portNotFound: neutron("PortNotFound", 404, "Port could not be found."),
  networkNotFound: neutron("NetworkNotFound", 404, "Network could not be found."),
  neutronExtensionNotFound: neutron("ExtensionNotFound", 404, "Extension does not exist."),
  neutronBadRequest: neutron("BadRequest", 400, "Bad port request."),
  neutronInvalidInput: neutron("InvalidInput", 400, "Invalid input for operation."),
  neutronIpInUse: neutron("IpAddressInUse", 409, "The IP address is in use."),
  neutronIpExhausted: neutron("IpAddressGenerationFailure", 409, "No more IP addresses available on network."),
  neutronInvalidIpForSubnet: neutron(
    "InvalidIpForSubnet",
    400,
    "IP address is not a valid IP for the specified subnet.",
  ),
  neutronPortInUse: neutron("PortInUse", 409, "Port is in use by a device and cannot be deleted."),
  neutronPairsExhausted: neutron("AllowedAddressPairExhausted", 400, "Too many allowed address pairs."),
  neutronConflict: neutron("Conflict", 409, "The request conflicted with a concurrent change; try again."),
  neutronPolicyDenied: neutron("PolicyNotAuthorized", 403, "Policy doesn't allow the action to be performed."),
  neutronInternal: neutron("HTTPInternalServerError", 500, "Request failed: internal server error."),

  // Neutron v2.0 security groups, port security and floating IPs
  neutronSgNotFound: neutron("SecurityGroupNotFound", 404, "Security group could not be found."),
  neutronSgRuleNotFound: neutron("SecurityGroupRuleNotFound", 404, "Security group rule could not be found."),
  neutronSgInUse: neutron("SecurityGroupInUse", 409, "Security Group in use."),
  neutronSgRuleExists: neutron("SecurityGroupRuleExists", 409, "Security group rule already exists."),
  neutronSgDefaultUndeletable: neutron(
    "SecurityGroupCannotRemoveDefault",
    409,
    "Insufficient rights for removing default security group.",
  ),
  neutronSgDefaultExists: neutron("SecurityGroupDefaultAlreadyExists", 409, "Default security group already exists."),
  neutronSgDefaultUnchangeable: neutron(
    "SecurityGroupCannotUpdateDefault",
    409,
    "Updating default security group not allowed.",
  ),
  neutronPortSecurityRequired: neutron(
    "PortSecurityAndIPRequiredForSecurityGroups",
    400,
    "Port security must be enabled and port must have an IP address in order to use security groups.",
  ),
  neutronPortHasSecurityGroup: neutron(
    "PortSecurityPortHasSecurityGroup",
    409,
    "Port has security group associated. Cannot disable port security or ip address until security group is removed.",
  ),
  neutronPairsNeedPortSecurity: neutron(
    "AddressPairAndPortSecurityRequired",
    409,
    "Port Security must be enabled in order to have allowed address pairs on a port.",
  ),
  neutronFloatingIpNotFound: neutron("FloatingIPNotFound", 404, "Floating IP could not be found."),
  neutronFloatingIpPortTaken: neutron("FloatingIPPortAlreadyAssociated", 409, "The port already has a floating IP."),
  neutronOverQuota: neutron("OverQuota", 409, "Quota exceeded for resources."),
  neutronSubnetNotFound: neutron("SubnetNotFound", 404, "Subnet could not be found."),
  neutronNetworkInUse: neutron(
    "NetworkInUse",
    409,
    "Unable to complete operation on network. There are one or more ports still in use on the network.",
  ),
  neutronSubnetInUse: neutron(
    "SubnetInUse",
    409,
    "Unable to complete operation on subnet: One or more ports have an IP allocation from this subnet.",
  ),
  neutronInvalidAllocationPool: neutron("InvalidAllocationPool", 400, "The allocation pool is not valid."),
  neutronOutOfBoundsAllocationPool: neutron(
    "OutOfBoundsAllocationPool",
    400,
    "The allocation pool spans beyond the subnet cidr.",
  ),
  neutronOverlappingAllocationPools: neutron("OverlappingAllocationPools", 409, "Found overlapping allocation pools."),
  neutronGatewayConflictWithAllocationPools: neutron(
    "GatewayConflictWithAllocationPools",
    409,
    "Gateway ip conflicts with allocation pool.",
  ),

  // Neutron v2.0 routers (a VPC is a router), MAC addresses and revision checks
  neutronRouterNotFound: neutron("RouterNotFound", 404, "Router could not be found."),
  neutronRouterInUse: neutron("RouterInUse", 409, "Router still has ports."),
  neutronRouterInterfaceNotFound: neutron(
    "RouterInterfaceNotFoundForSubnet",
    404,
    "Router has no interface on the subnet.",
  ),
  neutronExternalGatewayNotFound: neutron(
    "ExternalGatewayForFloatingIPNotFound",
    404,
    "External network is not reachable from the port's subnet.",
  ),
  neutronMacInUse: neutron("MacAddressInUse", 409, "The MAC address is in use on the network."),
  neutronRevisionMismatch: neutron("PreconditionFailed", 412, "Constrained revision number does not match."),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorId = keyof typeof ERRORS;

/** The 503 each envelope answers while the store is unavailable. */
export const UNAVAILABLE_BY_ENVELOPE: Readonly<Record<Envelope, ErrorId>> = {
  apigw: "gatewayUnavailable",
  iam: "iamUnavailable",
  ecs: "ecsUnavailable",
  vpc: "vpcUnavailable",
  neutron: "neutronUnavailable",
};
