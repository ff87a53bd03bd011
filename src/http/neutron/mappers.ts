import type { Port } from "../../domain/model.js";
import { vpcTime } from "../vpc/mappers.js";

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
    fixed_ips: port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    allowed_address_pairs: port.allowedAddressPairs.map((pair) => ({
      ip_address: pair.ipAddress,
      mac_address: pair.macAddress,
    })),
    security_groups: port.securityGroupIds,
    extra_dhcp_opts: [],
    port_security_enabled: port.portSecurityEnabled,
    "binding:vnic_type": "normal",
    "binding:profile": {},
    "binding:vif_details": {},
    dns_name: "",
    dns_assignment: [],
    tags: [],
    revision_number: port.revisionNumber,
    created_at: vpcTime(port.createdAt),
    updated_at: vpcTime(port.updatedAt),
  };
}
