/** Answers VPC v1 and Neutron give alike: ports and security groups (for the OpenAPI document). */
import { anyObject, arrayOf, bool, shape, str, wrap } from "../openapi/answers.js";

const pair = shape("ip_address mac_address");
export const fixedIp = shape("subnet_id ip_address");

const port = shape(
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
const securityGroupRule = shape(
  "id description security_group_id direction ethertype protocol remote_ip_prefix remote_group_id tenant_id",
  { port_range_min: { type: ["integer", "null"] }, port_range_max: { type: ["integer", "null"] } },
);
const securityGroup = shape("id name description vpc_id enterprise_project_id tenant_id project_id", {
  security_group_rules: arrayOf(securityGroupRule),
});

export const sharedAnswers = {
  port: wrap("port", port),
  ports: wrap("ports", arrayOf(port)),
  securityGroup: wrap("security_group", securityGroup),
  securityGroups: wrap("security_groups", arrayOf(securityGroup)),
  securityGroupRule: wrap("security_group_rule", securityGroupRule),
  securityGroupRules: wrap("security_group_rules", arrayOf(securityGroupRule)),
};
