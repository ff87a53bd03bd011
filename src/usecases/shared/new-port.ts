import type { Port } from "../../domain/model.js";
import { generateMac } from "../../domain/ports/mac.js";
import { isoNow, type UseCaseContext } from "../context.js";

export type PortFields = Pick<Port, "projectId" | "networkId" | "fixedIps"> & Partial<Port>;

/** A fresh port with a new id and a candidate MAC; store it with `insertNewPort`, which makes the MAC unique in its network. */
export function newPort(context: UseCaseContext, fields: PortFields): Port {
  const now = isoNow(context);
  return {
    id: context.newId(),
    name: "",
    description: "",
    macAddress: generateMac(context.randomByte),
    deviceOwner: "",
    deviceId: "",
    status: "DOWN",
    adminStateUp: true,
    allowedAddressPairs: [],
    nicIndex: null,
    securityGroupIds: [],
    extraDhcpOpts: [],
    bindingProfile: {},
    portSecurityEnabled: true,
    revisionNumber: 0,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
