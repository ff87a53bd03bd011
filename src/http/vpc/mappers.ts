import type { Port, Subnet, Vpc } from "../../domain/model.js";
import { primaryFixedIp } from "../../domain/ports/port-changes.js";
import { vpcTime } from "../shared/vpc-time.js";

export function vpcBody(vpc: Vpc) {
  return {
    id: vpc.id,
    name: vpc.name,
    description: vpc.description,
    cidr: vpc.cidr,
    status: vpc.status,
    routes: [],
    enable_shared_snat: false,
    enterprise_project_id: "0",
    tenant_id: vpc.projectId,
    created_at: vpcTime(vpc.createdAt),
    updated_at: vpcTime(vpc.createdAt),
  };
}

export function subnetBody(subnet: Subnet) {
  return {
    id: subnet.id,
    name: subnet.name,
    description: subnet.description,
    cidr: subnet.cidr,
    gateway_ip: subnet.gatewayIp,
    ipv6_enable: false,
    dhcp_enable: subnet.dhcpEnable,
    primary_dns: subnet.primaryDns,
    secondary_dns: subnet.secondaryDns,
    dnsList: subnet.dnsList,
    availability_zone: subnet.availabilityZone,
    vpc_id: subnet.vpcId,
    status: subnet.status,
    neutron_network_id: subnet.networkId,
    neutron_subnet_id: subnet.neutronSubnetId,
    extra_dhcp_opts: subnet.extraDhcpOpts.map((opt) => ({ opt_name: opt.optName, opt_value: opt.optValue })),
    scope: "center",
    tenant_id: subnet.projectId,
    created_at: vpcTime(subnet.createdAt),
    updated_at: vpcTime(subnet.createdAt),
  };
}

export function privateIpBody(port: Port) {
  return {
    id: port.id,
    status: port.status === "ACTIVE" ? "ACTIVE" : "DOWN",
    subnet_id: port.networkId,
    tenant_id: port.projectId,
    device_owner: port.deviceOwner,
    ip_address: primaryFixedIp(port) ?? "",
  };
}
