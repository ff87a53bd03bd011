/** The VPC v1 service's own answers (for the OpenAPI document). */
import { anyObject, arrayOf, bool, int, shape, str, wrap } from "../openapi/answers.js";

const vpc = shape("id name description cidr status enterprise_project_id tenant_id created_at updated_at", {
  routes: arrayOf(anyObject),
  enable_shared_snat: bool,
});
const subnet = shape(
  "id name description cidr gateway_ip primary_dns secondary_dns availability_zone vpc_id status " +
    "neutron_network_id neutron_subnet_id scope tenant_id created_at updated_at",
  { ipv6_enable: bool, dhcp_enable: bool, dnsList: arrayOf(str), extra_dhcp_opts: arrayOf(anyObject) },
);
const privateIp = shape("id status subnet_id tenant_id device_owner ip_address");
const quotaResource = shape("type", { used: int, quota: int, min: int });

export const vpcAnswers = {
  vpc: wrap("vpc", vpc),
  vpcs: wrap("vpcs", arrayOf(vpc)),
  subnet: wrap("subnet", subnet),
  subnets: wrap("subnets", arrayOf(subnet)),
  privateip: wrap("privateip", privateIp),
  privateips: wrap("privateips", arrayOf(privateIp)),
  subnetStatus: wrap("subnet", shape("id status")),
  quotas: wrap("quotas", wrap("resources", arrayOf(quotaResource))),
  portGroupAction: wrap("fail", arrayOf(shape("id error_code error_msg"))),
};
