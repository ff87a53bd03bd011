/**
 * The shapes of successful answers, for the OpenAPI document only: answers are serialized as the mappers build them,
 * these describe the keys clients read. Objects stay open (`additionalProperties` allowed) like the cloud's.
 */
type Schema = Record<string, unknown>;

const str = { type: "string" };
const int = { type: "integer" };
const bool = { type: "boolean" };
const anyObject = { type: "object" };

/** An object whose listed keys are strings unless `typed` says otherwise. */
function shape(keys: string, typed: Record<string, Schema> = {}): Schema {
  const properties: Record<string, Schema> = {};
  for (const key of keys.split(/\s+/).filter(Boolean)) properties[key] = str;
  return { type: "object", properties: { ...properties, ...typed } };
}

const arrayOf = (items: Schema): Schema => ({ type: "array", items });
const wrap = (key: string, value: Schema): Schema => ({
  type: "object",
  required: [key],
  properties: { [key]: value },
});

const pair = shape("ip_address mac_address");
const fixedIp = shape("subnet_id ip_address");

export const vpc = shape("id name description cidr status enterprise_project_id tenant_id created_at updated_at", {
  routes: arrayOf(anyObject),
  enable_shared_snat: bool,
});
export const subnet = shape(
  "id name description cidr gateway_ip primary_dns secondary_dns availability_zone vpc_id status " +
    "neutron_network_id neutron_subnet_id scope tenant_id created_at updated_at",
  { ipv6_enable: bool, dhcp_enable: bool, dnsList: arrayOf(str), extra_dhcp_opts: arrayOf(anyObject) },
);
const allocationPool = shape("start end");
export const neutronSubnet = shape(
  "id name description network_id tenant_id project_id cidr gateway_ip created_at updated_at",
  {
    ip_version: int,
    allocation_pools: arrayOf(allocationPool),
    dns_nameservers: arrayOf(str),
    host_routes: arrayOf(anyObject),
    enable_dhcp: bool,
    revision_number: int,
  },
);
const extension = shape("alias name description updated", { links: arrayOf(anyObject) });
export const privateIp = shape("id status subnet_id tenant_id device_owner ip_address");
export const port = shape(
  "id name description network_id tenant_id project_id device_id device_owner mac_address status " +
    "binding:vnic_type created_at updated_at",
  {
    admin_state_up: bool,
    fixed_ips: arrayOf(fixedIp),
    allowed_address_pairs: arrayOf(pair),
    security_groups: arrayOf(str),
    extra_dhcp_opts: arrayOf(anyObject),
    "binding:profile": anyObject,
    "binding:vif_details": anyObject,
  },
);
export const network = shape("id name status tenant_id project_id created_at updated_at", {
  admin_state_up: bool,
  shared: bool,
  subnets: arrayOf(str),
});
export const server = shape("id name status tenant_id created updated description key_name", {
  addresses: { type: "object", additionalProperties: arrayOf(anyObject) },
  flavor: anyObject,
  image: anyObject,
  metadata: { type: "object", additionalProperties: str },
  progress: int,
  locked: bool,
  tags: arrayOf(str),
});
export const nicInterface = shape("port_state net_id port_id mac_addr", {
  fixed_ips: arrayOf(fixedIp),
  delete_on_termination: bool,
});
export const job = shape("status job_id job_type begin_time end_time fail_reason", {
  entities: anyObject,
  error_code: { type: ["string", "null"] },
});
const iamUser = shape("id name domain_id description create_time", { enabled: bool, links: anyObject });
const iamGroup = shape("id name domain_id description", { create_time: int, links: anyObject });
const iamRole = shape("id name display_name description catalog type", { policy: anyObject, links: anyObject });
const credential = shape("access secret user_id status description create_time");

export const project = shape("id name description domain_id parent_id", {
  enabled: bool,
  is_domain: bool,
  links: anyObject,
});
const version = shape("id status updated", { links: arrayOf(anyObject), "media-types": arrayOf(anyObject) });

export const faultRule = shape("id operation project error", {
  latency_ms: int,
  drop: bool,
  count: int,
  for_seconds: int,
  remaining: { type: ["integer", "null"] },
  expires_at: { type: ["string", "null"] },
  injected: int,
});

export const securityGroupRule = shape(
  "id description security_group_id direction ethertype protocol remote_ip_prefix remote_group_id tenant_id",
  { port_range_min: { type: ["integer", "null"] }, port_range_max: { type: ["integer", "null"] } },
);
export const securityGroup = shape("id name description vpc_id enterprise_project_id tenant_id project_id", {
  security_group_rules: arrayOf(securityGroupRule),
});
export const publicIp = shape(
  "id status type public_ip_address tenant_id create_time bandwidth_id bandwidth_share_type bandwidth_name " +
    "alias enterprise_project_id port_id private_ip_address",
  { ip_version: int, bandwidth_size: int, profile: anyObject },
);
const nullableStr = { type: ["string", "null"] };
export const floatingIp = shape(
  "id status tenant_id project_id floating_network_id floating_ip_address dns_name dns_domain created_at updated_at",
  { router_id: nullableStr, fixed_ip_address: nullableStr, port_id: nullableStr },
);
export const router = shape("id name description status tenant_id project_id created_at updated_at", {
  admin_state_up: bool,
  external_gateway_info: { type: ["object", "null"] },
  routes: arrayOf(shape("destination nexthop")),
  revision_number: int,
});
const quotaResource = shape("type", { used: int, quota: int, min: int });
const topologyVpc = shape("id name cidr", {
  subnets: arrayOf(shape("id name cidr gatewayIp", { used: int, free: int })),
  servers: arrayOf(shape("id name status", { nics: arrayOf(shape("portId subnetId ip mac status")) })),
  vips: arrayOf(shape("portId subnetId ip deviceOwner")),
  bindings: arrayOf(shape("vipPortId vipIp nicPortId", { reverse: bool })),
});

export const RESPONSES = {
  vpc: wrap("vpc", vpc),
  vpcs: wrap("vpcs", arrayOf(vpc)),
  subnet: wrap("subnet", subnet),
  subnets: wrap("subnets", arrayOf(subnet)),
  privateip: wrap("privateip", privateIp),
  privateips: wrap("privateips", arrayOf(privateIp)),
  port: wrap("port", port),
  ports: wrap("ports", arrayOf(port)),
  network: wrap("network", network),
  networks: wrap("networks", arrayOf(network)),
  extensions: wrap("extensions", arrayOf(extension)),
  extension: wrap("extension", extension),
  portGroupAction: wrap("fail", arrayOf(shape("id error_code error_msg"))),
  neutronSubnet: wrap("subnet", neutronSubnet),
  neutronSubnets: wrap("subnets", arrayOf(neutronSubnet)),
  server: wrap("server", server),
  servers: { type: "object", properties: { count: int, servers: arrayOf(server) } },
  interfaces: wrap("interfaceAttachments", arrayOf(nicInterface)),
  job,
  jobId: wrap("job_id", str),
  createdServers: { type: "object", properties: { job_id: str, serverIds: arrayOf(str) } },
  portId: wrap("port_id", str),
  token: wrap("token", anyObject),
  project: wrap("project", project),
  projects: { type: "object", properties: { projects: arrayOf(project), links: anyObject } },
  version: wrap("version", version),
  versions: wrap("versions", shape("", { values: arrayOf(version) })),
  empty: { type: "object" },
  user: wrap("user", iamUser),
  users: { type: "object", properties: { users: arrayOf(iamUser), links: anyObject } },
  group: wrap("group", iamGroup),
  groups: { type: "object", properties: { groups: arrayOf(iamGroup), links: anyObject } },
  roles: { type: "object", properties: { roles: arrayOf(iamRole), links: anyObject, total_number: int } },
  credential: wrap("credential", credential),
  credentials: wrap("credentials", arrayOf(credential)),
  auditRecords: wrap("records", arrayOf(anyObject)),
  faultRule: wrap("rule", faultRule),
  faultRules: wrap("rules", arrayOf(faultRule)),
  faultsCleared: wrap("cleared", int),
  health: shape("status", { checks: { type: "object", additionalProperties: str } }),
  text: str,
  securityGroup: wrap("security_group", securityGroup),
  securityGroups: wrap("security_groups", arrayOf(securityGroup)),
  securityGroupRule: wrap("security_group_rule", securityGroupRule),
  securityGroupRules: wrap("security_group_rules", arrayOf(securityGroupRule)),
  publicip: wrap("publicip", publicIp),
  publicips: wrap("publicips", arrayOf(publicIp)),
  floatingip: wrap("floatingip", floatingIp),
  floatingips: wrap("floatingips", arrayOf(floatingIp)),
  router: wrap("router", router),
  domain: wrap("domain", shape("id name description", { enabled: bool })),
  domains: {
    type: "object",
    properties: { domains: arrayOf(shape("id name description", { enabled: bool })), links: anyObject },
  },
  neutronResources: wrap("resources", arrayOf(shape("name collection", { links: arrayOf(anyObject) }))),
  routers: wrap("routers", arrayOf(router)),
  routerInterface: shape("id subnet_id port_id tenant_id project_id", { subnet_ids: arrayOf(str) }),
  subnetStatus: wrap("subnet", shape("id status")),
  quotas: wrap("quotas", wrap("resources", arrayOf(quotaResource))),
  limits: wrap("absolute", { type: "object", additionalProperties: { type: ["integer", "array"] } }),
  topology: shape("projectId", { vpcs: arrayOf(topologyVpc) }),
} as const satisfies Record<string, Schema>;
