import type { Port, PortDhcpOption } from "../../domain/model.js";
import { fixedIpsBody, pairsBody } from "../shared/port-mappers.js";
import { vpcTime } from "../shared/vpc-time.js";

export function portBody(port: Port) {
  return {
    id: port.id,
    name: port.name,
    description: port.description,
    network_id: port.networkId,
    project_id: port.projectId,
    tenant_id: port.projectId,
    mac_address: port.macAddress,
    admin_state_up: port.adminStateUp,
    status: port.status,
    device_id: port.deviceId,
    device_owner: port.deviceOwner,
    fixed_ips: fixedIpsBody(port),
    allowed_address_pairs: pairsBody(port),
    security_groups: port.securityGroupIds,
    extra_dhcp_opts: dhcpOptionsBody(port.extraDhcpOpts),
    port_security_enabled: port.portSecurityEnabled,
    "binding:vnic_type": "normal",
    "binding:profile": port.bindingProfile,
    "binding:vif_details": {},
    dns_name: "",
    dns_assignment: [],
    tags: [],
    revision_number: port.revisionNumber,
    created_at: vpcTime(port.createdAt),
    updated_at: vpcTime(port.updatedAt),
  };
}

/** A port's DHCP options as Neutron shows them (`ip_version` 4 unless stored otherwise). */
export function dhcpOptionsBody(options: PortDhcpOption[]) {
  return options.map((option) => ({
    opt_name: option.optName,
    opt_value: option.optValue,
    ip_version: option.ipVersion ?? 4,
  }));
}
