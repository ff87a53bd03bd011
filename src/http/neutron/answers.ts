/** Neutron v2.0's own answers (for the OpenAPI document). */
import { anyObject, arrayOf, bool, int, nullableStr, shape, str, wrap } from "../openapi/answers.js";

const network = shape("id name status tenant_id project_id created_at updated_at", {
  admin_state_up: bool,
  shared: bool,
  subnets: arrayOf(str),
});
const allocationPool = shape("start end");
const subnet = shape("id name description network_id tenant_id project_id cidr gateway_ip created_at updated_at", {
  ip_version: int,
  allocation_pools: arrayOf(allocationPool),
  dns_nameservers: arrayOf(str),
  host_routes: arrayOf(anyObject),
  enable_dhcp: bool,
  revision_number: int,
});
const extension = shape("alias name description updated", { links: arrayOf(anyObject) });
const floatingIp = shape(
  "id status tenant_id project_id floating_network_id floating_ip_address dns_name dns_domain description created_at updated_at",
  {
    router_id: nullableStr,
    fixed_ip_address: nullableStr,
    port_id: nullableStr,
    port_details: { type: ["object", "null"] },
    revision_number: int,
  },
);

const router = shape("id name description status tenant_id project_id created_at updated_at", {
  admin_state_up: bool,
  external_gateway_info: { type: ["object", "null"] },
  routes: arrayOf(shape("destination nexthop")),
  revision_number: int,
});
const routerInterface = shape("id subnet_id port_id tenant_id project_id", { subnet_ids: arrayOf(str) });
const resource = shape("name collection", { links: arrayOf(anyObject) });

export const neutronAnswers = {
  router: wrap("router", router),
  routers: wrap("routers", arrayOf(router)),
  routerInterface,
  versions: wrap("versions", arrayOf(shape("id status", { links: arrayOf(anyObject) }))),
  resources: wrap("resources", arrayOf(resource)),
  network: wrap("network", network),
  networks: wrap("networks", arrayOf(network)),
  subnet: wrap("subnet", subnet),
  subnets: wrap("subnets", arrayOf(subnet)),
  extensions: wrap("extensions", arrayOf(extension)),
  extension: wrap("extension", extension),
  floatingip: wrap("floatingip", floatingIp),
  floatingips: wrap("floatingips", arrayOf(floatingIp)),
};
