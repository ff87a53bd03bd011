import { eipStatus } from "../../domain/eips/model.js";
import { primaryFixedIp } from "../../domain/ports/port-changes.js";
import type { EipView } from "../../usecases/eips/eips.js";
import { vpcTime } from "../shared/vpc-time.js";

/** EIP times: `2015-07-16 04:10:52` (UTC, no zone). */
function eipTime(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}

export function publicIpBody(view: EipView) {
  const { eip, port } = view;
  return {
    id: eip.id,
    status: eipStatus(eip),
    profile: {},
    type: eip.type,
    public_ip_address: eip.publicIpAddress,
    ip_version: 4,
    ...(port ? { port_id: port.id, private_ip_address: primaryFixedIp(port) ?? "" } : {}),
    tenant_id: eip.projectId,
    create_time: eipTime(eip.createdAt),
    bandwidth_id: eip.bandwidthId,
    bandwidth_size: eip.bandwidthSize,
    bandwidth_share_type: eip.bandwidthShareType,
    bandwidth_name: eip.bandwidthName,
    alias: eip.alias,
    enterprise_project_id: "0",
    public_border_group: "center",
    allow_share_bandwidth_types: [],
    tags: [],
  };
}

/** The fixed IP a floating IP maps to: the one chosen while the port still holds it, else the port's first. */
function mappedFixedIp(chosen: string | null, port: NonNullable<EipView["port"]>): string | null {
  if (chosen !== null && port.fixedIps.some((ip) => ip.ipAddress === chosen)) return chosen;
  return primaryFixedIp(port) ?? null;
}

export function floatingIpBody(view: EipView, externalNetworkId: string) {
  const { eip, port } = view;
  return {
    id: eip.id,
    status: eipStatus(eip),
    router_id: port ? (view.routerId ?? null) : null,
    tenant_id: eip.projectId,
    project_id: eip.projectId,
    floating_network_id: externalNetworkId,
    floating_ip_address: eip.publicIpAddress,
    fixed_ip_address: port ? mappedFixedIp(eip.fixedIpAddress, port) : null,
    port_id: port?.id ?? null,
    // Neutron's fip-port-details: the bound port as a floating IP's user needs it, or null.
    port_details: port
      ? {
          name: port.name,
          network_id: port.networkId,
          mac_address: port.macAddress,
          admin_state_up: port.adminStateUp,
          status: port.status,
          device_id: port.deviceId,
          device_owner: port.deviceOwner,
        }
      : null,
    dns_name: "",
    dns_domain: "",
    description: eip.description,
    tags: [],
    revision_number: eip.revisionNumber,
    created_at: vpcTime(eip.createdAt),
    updated_at: vpcTime(eip.updatedAt),
  };
}
