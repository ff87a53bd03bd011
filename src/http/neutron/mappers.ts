import type { Port, PortDhcpOption } from "../../domain/model.js";
import type { DhcpOptionInput } from "../../domain/ports/dhcp-options.js";
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

/** Request options (`opt_value` null removes one on update). */
export function dhcpOptionInputs(
  options: { opt_name: string; opt_value?: string | null; ip_version?: number }[] | undefined,
): DhcpOptionInput[] | undefined {
  return options?.map((option) => ({
    optName: option.opt_name,
    optValue: option.opt_value ?? null,
    ...(option.ip_version === undefined ? {} : { ipVersion: option.ip_version }),
  }));
}
