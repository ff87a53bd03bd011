import { fail } from "../../errors/cloud-error.js";
import { isAssignableAddress } from "../ipam/subnet-addresses.js";
import { isServerNic, isVipCapableOwner, type Port, type Server, type Subnet, VIP_DEVICE_OWNER } from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { withPair } from "../ports/address-pairs.js";
import { primaryFixedIp, withAddressPairs } from "../ports/port-changes.js";

export interface NicContext {
  projectId: string;
  nic: Port | undefined;
  server: Server | undefined;
}

/** Check 2 of the binding rules, shared by bind and unbind: the NIC exists, is a server NIC, its server can take it. */
export function requireBindableNic(context: NicContext): { nic: Port; server: Server } {
  const { nic, server } = context;
  if (!nic || nic.projectId !== context.projectId) fail("ecsPortNotFound");
  if (!isServerNic(nic)) fail("ecsNotServerNic");
  if (!server) fail("ecsServerNotFound");
  if (server.status !== "ACTIVE" && server.status !== "SHUTOFF") fail("ecsServerStatus");
  return { nic, server };
}

export interface BindRequest {
  projectId: string;
  nic: Port;
  /** The subnet the NIC sits in: its VPC is the NIC's VPC. */
  nicSubnet: Subnet;
  targetSubnet: Subnet | undefined;
  ipAddress: string;
  reverseBinding: boolean;
  /** The port already holding `ipAddress` in the target network, if any. */
  holder: Port | undefined;
  maxPairs: number;
  now: string;
  /** Builds the VIP port when the address is free; called at most once. */
  newVipPort: (template: Pick<Port, "projectId" | "networkId" | "fixedIps">) => Port;
}

export interface BindOutcome {
  nic: Port;
  nicChanged: boolean;
  vip: Port;
  vipCreated: boolean;
  vipChanged: boolean;
}

/** Checks 3–8 of binding a virtual IP to a NIC, in the order the cloud applies them. */
export function decideBind(request: BindRequest): BindOutcome {
  const { targetSubnet, nic } = request;
  if (!targetSubnet || targetSubnet.projectId !== request.projectId) fail("ecsSubnetNotFound");
  if (targetSubnet.vpcId !== request.nicSubnet.vpcId) fail("ecsVpcMismatch");

  const cidr = parseCidr(targetSubnet.cidr);
  if (!cidr || !isAssignableAddress(cidr, request.ipAddress)) fail("ecsIpNotInSubnet");

  const holder = request.holder;
  if (holder && !isVipCapableOwner(holder.deviceOwner)) fail("ecsIpInUse");

  const vipCreated = holder === undefined;
  const vipBefore =
    holder ??
    request.newVipPort({
      projectId: request.projectId,
      networkId: targetSubnet.id,
      fixedIps: [{ subnetId: targetSubnet.neutronSubnetId, ipAddress: request.ipAddress }],
    });

  const nicPairs = withPair(nic.allowedAddressPairs, {
    ipAddress: request.ipAddress,
    macAddress: nic.macAddress,
  });
  if (nicPairs.pairs.length > request.maxPairs)
    fail("ecsPortUpdateFailed", "Too many allowed address pairs on the NIC.");

  let vip = vipBefore;
  let vipChanged = false;
  const nicIp = primaryFixedIp(nic);
  if (request.reverseBinding && nicIp !== undefined) {
    const vipPairs = withPair(vipBefore.allowedAddressPairs, {
      ipAddress: nicIp,
      macAddress: nic.macAddress,
    });
    if (vipPairs.pairs.length > request.maxPairs) {
      fail("ecsPortUpdateFailed", "Too many allowed address pairs on the virtual IP port.");
    }
    vipChanged = vipPairs.changed;
    vip = vipCreated
      ? { ...vipBefore, allowedAddressPairs: vipPairs.pairs }
      : withAddressPairs(vipBefore, vipPairs.pairs, vipPairs.changed, request.now);
  }

  return {
    nic: withAddressPairs(nic, nicPairs.pairs, nicPairs.changed, request.now),
    nicChanged: nicPairs.changed,
    vip,
    vipCreated,
    vipChanged,
  };
}

/** The shape every VIP port created by a bind has. */
export function vipPortDefaults(): Pick<Port, "deviceOwner" | "deviceId" | "status" | "name" | "nicIndex"> {
  return { deviceOwner: VIP_DEVICE_OWNER, deviceId: "", status: "DOWN", name: "", nicIndex: null };
}
