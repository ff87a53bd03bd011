/** The parts of a port VPC v1 and Neutron show alike. */
import type { Port } from "../../domain/model.js";

export function fixedIpsBody(port: Port) {
  return port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress }));
}

export function pairsBody(port: Port) {
  return port.allowedAddressPairs.map((pair) => ({ ip_address: pair.ipAddress, mac_address: pair.macAddress }));
}
