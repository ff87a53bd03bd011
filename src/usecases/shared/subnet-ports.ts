import { systemAddresses } from "../../domain/ipam/subnet-addresses.js";
import type { Subnet } from "../../domain/model.js";
import type { Cidr } from "../../domain/net/cidr.js";
import type { Tx } from "../../store/store.js";
import type { UseCaseContext } from "../context.js";
import { insertNewPort } from "./insert-new-port.js";
import { newPort } from "./new-port.js";

/** The ports every subnet owns from birth (gateway, DHCP, distributed router interface), VPC v1 or Neutron-made. */
export async function insertSystemPorts(context: UseCaseContext, tx: Tx, subnet: Subnet, cidr: Cidr): Promise<void> {
  for (const system of systemAddresses(cidr, subnet.gatewayIp)) {
    await insertNewPort(
      context,
      tx,
      newPort(context, {
        projectId: subnet.projectId,
        networkId: subnet.networkId,
        fixedIps: [{ subnetId: subnet.neutronSubnetId, ipAddress: system.ipAddress }],
        deviceOwner: system.deviceOwner,
        deviceId: subnet.id,
        status: "ACTIVE",
      }),
    );
  }
}
