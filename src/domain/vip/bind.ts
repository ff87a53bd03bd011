import { isAssignableAddress } from "../ipam/subnet-addresses.js";
import { isServerNic, isVipCapableOwner, type Port, type Server, type Subnet, VIP_DEVICE_OWNER } from "../model.js";
import { parseCidr } from "../net/cidr.js";
import { withPair } from "../ports/address-pairs.js";
import { primaryFixedIp, withAddressPairs } from "../ports/port-changes.js";

/** A rule's answer: the outcome, or why the request is refused. Each service maps reasons to its own codes. */
export type Decision<T, Reason extends string> = ({ ok: true } & T) | { ok: false; reason: Reason };

export interface NicContext {
  projectId: string;
  nic: Port | undefined;
  server: Server | undefined;
}

export type NicRefusal = "nic-not-found" | "not-server-nic" | "server-not-found" | "server-status";

/** Check 2 of the binding rules, shared by bind and unbind: the NIC exists, is a server NIC, its server can take it. */
export function checkBindableNic(context: NicContext): Decision<{ nic: Port; server: Server }, NicRefusal> {
  const { nic, server } = context;
  if (!nic || nic.projectId !== context.projectId) return { ok: false, reason: "nic-not-found" };
  if (!isServerNic(nic)) return { ok: false, reason: "not-server-nic" };
  if (!server) return { ok: false, reason: "server-not-found" };
  if (server.status !== "ACTIVE" && server.status !== "SHUTOFF") return { ok: false, reason: "server-status" };
  return { ok: true, nic, server };
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

export type BindRefusal =
  | "subnet-not-found"
  | "vpc-mismatch"
  | "ip-not-in-subnet"
  | "ip-in-use"
  | "nic-pairs-exhausted"
  | "vip-pairs-exhausted";

/** Checks 3–8 of binding a virtual IP to a NIC, in the order the cloud applies them. */
export function decideBind(request: BindRequest): Decision<BindOutcome, BindRefusal> {
  const { targetSubnet, nic } = request;
  if (!targetSubnet || targetSubnet.projectId !== request.projectId) return { ok: false, reason: "subnet-not-found" };
  if (targetSubnet.vpcId !== request.nicSubnet.vpcId) return { ok: false, reason: "vpc-mismatch" };

  const cidr = parseCidr(targetSubnet.cidr);
  if (!cidr || !isAssignableAddress(cidr, request.ipAddress)) return { ok: false, reason: "ip-not-in-subnet" };

  const holder = request.holder;
  if (holder && !isVipCapableOwner(holder.deviceOwner)) return { ok: false, reason: "ip-in-use" };

  const vipCreated = holder === undefined;
  const vipBefore =
    holder ??
    request.newVipPort({
      projectId: request.projectId,
      networkId: targetSubnet.networkId,
      fixedIps: [{ subnetId: targetSubnet.neutronSubnetId, ipAddress: request.ipAddress }],
    });

  const nicPairs = withPair(nic.allowedAddressPairs, {
    ipAddress: request.ipAddress,
    macAddress: nic.macAddress,
  });
  if (nicPairs.pairs.length > request.maxPairs) return { ok: false, reason: "nic-pairs-exhausted" };

  let vip = vipBefore;
  let vipChanged = false;
  const nicIp = primaryFixedIp(nic);
  if (request.reverseBinding && nicIp !== undefined) {
    const vipPairs = withPair(vipBefore.allowedAddressPairs, {
      ipAddress: nicIp,
      macAddress: nic.macAddress,
    });
    if (vipPairs.pairs.length > request.maxPairs) return { ok: false, reason: "vip-pairs-exhausted" };
    vipChanged = vipPairs.changed;
    vip = vipCreated
      ? { ...vipBefore, allowedAddressPairs: vipPairs.pairs }
      : withAddressPairs(vipBefore, vipPairs.pairs, vipPairs.changed, request.now);
  }

  return {
    ok: true,
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
