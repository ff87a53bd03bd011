import {
  type AddressPair,
  isVipCapableOwner,
  type Port,
  type Subnet,
  type VIP_DEVICE_OWNER,
} from "../../domain/model.js";
import { cidrContains, parseCidr } from "../../domain/net/cidr.js";
import { parseIpv4 } from "../../domain/net/ipv4.js";
import { type PairInput, resolvePairs } from "../../domain/ports/address-pairs.js";
import { type DhcpOptionInput, mergeDhcpOptions } from "../../domain/ports/dhcp-options.js";
import type { PortFilter, Tx } from "../../store/store.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { checkedGroups, type GroupRefusal, groupsForNewPort } from "../security-groups/port-groups.js";
import { type Allocation, Allocators } from "./allocate-address.js";
import { insertNewPort } from "./insert-new-port.js";
import { newPort } from "./new-port.js";
import { removePort } from "./remove-port.js";

/**
 * Ports as both Neutron (`/v2.0/ports`) and VPC v1 (`/v1/{project_id}/ports`) manage them: one set of rules over the
 * same ports, so a VIP made through one API is the port the other (and the ECS bind) sees. Each service passes how
 * it answers each reason for refusing.
 */
export type PortRefusal =
  | "port-not-found"
  | "network-not-found"
  | "subnet-not-in-network"
  | "ip-invalid"
  | "ip-in-use"
  | "ip-exhausted"
  | "pairs-exhausted"
  | "port-in-use"
  | GroupRefusal
  | "port-has-security-group"
  | "mac-in-use"
  | "revision-mismatch"
  | "pairs-need-port-security";

export type PortRefusals = (reason: PortRefusal, detail: string) => never;

export interface CreatePortInput {
  networkId: string;
  name: string;
  description: string;
  adminStateUp: boolean;
  deviceOwner: "" | typeof VIP_DEVICE_OWNER;
  fixedIp?: FixedIpRequest;
  /** Neutron: several fixed IPs (by subnet, by address or both); takes the place of `fixedIp`. */
  fixedIps?: FixedIpRequest[];
  /** A MAC of the caller's choosing (unique in the network), instead of a generated one. */
  macAddress?: string;
  allowedAddressPairs?: PairInput[];
  /** Omitted: the project's default group (when port security is on). */
  securityGroups?: string[];
  portSecurityEnabled?: boolean;
  extraDhcpOpts?: DhcpOptionInput[];
  bindingProfile?: Record<string, unknown>;
}

/** A fixed IP asked for: from a subnet, an address, or that address of that subnet. */
export interface FixedIpRequest {
  subnetId?: string;
  ipAddress?: string;
}

export interface UpdatePortInput {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  /** Replaces the port's fixed IPs; an entry naming only a subnet keeps the address the port has there. */
  fixedIps?: FixedIpRequest[];
  allowedAddressPairs?: PairInput[];
  securityGroups?: string[];
  portSecurityEnabled?: boolean;
  /** Merged into the port's options (a null value removes one). */
  extraDhcpOpts?: DhcpOptionInput[];
  /** Replaces the port's binding profile. */
  bindingProfile?: Record<string, unknown>;
}

function pairsOf(port: Pick<Port, "macAddress">, inputs: PairInput[], max: number, refuse: PortRefusals) {
  const resolved = resolvePairs(port.macAddress, inputs, max);
  if (!resolved.ok) refuse("pairs-exhausted", `The number of allowed address pairs exceeds the maximum ${max}.`);
  return resolved.pairs;
}

/**
 * Which subnets of the network a fixed IP may come from: the one named, else the one whose CIDR holds the requested
 * address (the first when none does, so the address is refused as not of the subnet), else every subnet in order.
 */
function subnetsFor(subnets: Subnet[], requested: CreatePortInput["fixedIp"]): Subnet[] {
  if (requested?.subnetId !== undefined) {
    return subnets.filter((candidate) => candidate.neutronSubnetId === requested.subnetId);
  }
  const ip = requested?.ipAddress === undefined ? undefined : parseIpv4(requested.ipAddress);
  if (requested?.ipAddress !== undefined) {
    const holding = subnets.find((candidate) => {
      const cidr = parseCidr(candidate.cidr);
      return cidr !== undefined && ip !== undefined && cidrContains(cidr, ip);
    });
    return holding ? [holding] : subnets.slice(0, 1);
  }
  return subnets;
}

export async function listPorts(context: UseCaseContext, filter: PortFilter): Promise<Port[]> {
  return context.store.read((tx) => tx.ports.list(filter));
}

export async function showPort(context: UseCaseContext, caller: Caller, id: string, refuse: PortRefusals) {
  const port = await context.store.read((tx) => tx.ports.get(id));
  if (!port || port.projectId !== caller.projectId) refuse("port-not-found", `Port ${id} could not be found.`);
  return port;
}

export async function createPort(
  context: UseCaseContext,
  caller: Caller,
  input: CreatePortInput,
  refuse: PortRefusals,
): Promise<Port> {
  const [port] = await createPorts(context, [caller], [input], refuse);
  return port as Port;
}

/**
 * Several ports in one unit of work (Neutron's bulk create): every one or none. `callers[i]` is whom `inputs[i]` is
 * made for (an administrator may make ports for other projects of its account).
 */
export async function createPorts(
  context: UseCaseContext,
  callers: readonly Caller[],
  inputs: CreatePortInput[],
  refuse: PortRefusals,
): Promise<Port[]> {
  return context.store.write(async (tx) => {
    const allocators = new Allocators(tx);
    const created: Port[] = [];
    for (const [index, input] of inputs.entries()) {
      created.push(await insertPortIn(context, tx, allocators, callers[index] as Caller, input, refuse));
    }
    return created;
  });
}

/** One address for a fixed IP request, from the subnets it may come from (see `subnetsFor`). */
async function allocateFixedIp(
  allocators: Allocators,
  networkId: string,
  subnets: Subnet[],
  requested: FixedIpRequest | undefined,
  refuse: PortRefusals,
): Promise<Port["fixedIps"][number]> {
  const candidates = subnetsFor(subnets, requested);
  if (requested?.subnetId !== undefined && candidates.length === 0) {
    refuse("subnet-not-in-network", `Subnet ${requested.subnetId} is not a subnet of network ${networkId}.`);
  }
  if (candidates.length === 0) {
    refuse("ip-invalid", `Network ${networkId} has no subnet for IP address ${requested?.ipAddress}.`);
  }
  let allocation: Allocation = { ok: false, reason: "exhausted" };
  let subnet = candidates[0];
  // Automatic addresses come from the network's subnets in order, the next one once a subnet is full.
  for (subnet of candidates) {
    allocation = await (await allocators.for(subnet)).take(requested?.ipAddress);
    if (allocation.ok || allocation.reason !== "exhausted") break;
  }
  if (!allocation.ok || !subnet) {
    const reason = allocation.ok ? "exhausted" : allocation.reason;
    if (reason === "invalid") {
      refuse("ip-invalid", `IP address ${requested?.ipAddress} is not a valid IP for the specified subnet.`);
    }
    if (reason === "in-use") {
      refuse(
        "ip-in-use",
        `Unable to complete operation for network ${networkId}. The IP address ${requested?.ipAddress} is in use.`,
      );
    }
    refuse("ip-exhausted", `No more IP addresses available on network ${networkId}.`);
  }
  return { subnetId: subnet.neutronSubnetId, ipAddress: allocation.ipAddress };
}

async function insertPortIn(
  context: UseCaseContext,
  tx: Tx,
  allocators: Allocators,
  caller: Caller,
  input: CreatePortInput,
  refuse: PortRefusals,
): Promise<Port> {
  const network = await tx.networks.getNetwork(input.networkId);
  if (!network || network.projectId !== caller.projectId) {
    refuse("network-not-found", `Network ${input.networkId} could not be found.`);
  }
  const subnets = await tx.networks.listSubnetsOfNetwork(network.id);
  const requests = input.fixedIps ?? (input.fixedIp ? [input.fixedIp] : []);
  const fixedIps: Port["fixedIps"] = [];
  if (requests.length > 0) {
    for (const requested of requests) {
      fixedIps.push(await allocateFixedIp(allocators, network.id, subnets, requested, refuse));
    }
  } else if (subnets.length > 0) {
    fixedIps.push(await allocateFixedIp(allocators, network.id, subnets, undefined, refuse));
  }
  const port = newPort(context, {
    projectId: caller.projectId,
    networkId: network.id,
    fixedIps,
    name: input.name,
    description: input.description,
    adminStateUp: input.adminStateUp,
    deviceOwner: input.deviceOwner,
  });
  port.allowedAddressPairs = pairsOf(port, input.allowedAddressPairs ?? [], context.limits.maxAddressPairs, refuse);
  port.portSecurityEnabled = input.portSecurityEnabled ?? network.portSecurityEnabled;
  refusePairsWithoutPortSecurity(input.allowedAddressPairs, port.portSecurityEnabled, refuse);
  port.extraDhcpOpts = mergeDhcpOptions([], input.extraDhcpOpts ?? []);
  port.bindingProfile = input.bindingProfile ?? {};
  port.securityGroupIds = await groupsForNewPort(
    context,
    tx,
    caller.projectId,
    input.securityGroups,
    port.portSecurityEnabled,
    refuse,
  );
  if (input.macAddress !== undefined) {
    if (await tx.ports.macInUse(network.id, input.macAddress)) {
      refuse(
        "mac-in-use",
        `Unable to complete operation for network ${network.id}. The mac address ${input.macAddress} is in use.`,
      );
    }
    port.macAddress = input.macAddress;
    // Pairs without a MAC of their own take the port's.
    port.allowedAddressPairs = pairsOf(port, input.allowedAddressPairs ?? [], context.limits.maxAddressPairs, refuse);
    await tx.ports.insert(port);
  } else {
    await insertNewPort(context, tx, port);
  }
  return port;
}

/**
 * The fixed IPs an update asks for: an address the port already holds stays, an entry naming only a subnet keeps
 * the port's address there (as Neutron does), anything else is allocated anew.
 */
async function nextFixedIps(
  tx: Tx,
  port: Port,
  requests: FixedIpRequest[],
  refuse: PortRefusals,
): Promise<Port["fixedIps"]> {
  const subnets = await tx.networks.listSubnetsOfNetwork(port.networkId);
  const allocators = new Allocators(tx);
  const kept = new Set<string>();
  const next: Port["fixedIps"] = [];
  for (const requested of requests) {
    const held = port.fixedIps.find(
      (ip) =>
        !kept.has(ip.ipAddress) &&
        (requested.ipAddress === undefined
          ? ip.subnetId === requested.subnetId
          : ip.ipAddress === requested.ipAddress &&
            (requested.subnetId === undefined || ip.subnetId === requested.subnetId)),
    );
    if (held) {
      kept.add(held.ipAddress);
      next.push(held);
    } else {
      next.push(await allocateFixedIp(allocators, port.networkId, subnets, requested, refuse));
    }
  }
  return next;
}

/**
 * Pairs a request sets need port security on (Neutron's AddressPairAndPortSecurityRequired). Turning port security
 * off keeps the pairs a port has: the VIP binding writes pairs on NICs, and they have no effect while it is off.
 */
function refusePairsWithoutPortSecurity(
  pairs: PairInput[] | undefined,
  portSecurityEnabled: boolean,
  refuse: PortRefusals,
): void {
  if (pairs !== undefined && pairs.length > 0 && !portSecurityEnabled) {
    refuse(
      "pairs-need-port-security",
      "Port Security must be enabled in order to have allowed address pairs on a port.",
    );
  }
}

function samePairs(a: AddressPair[], b: AddressPair[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function updatePort(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: UpdatePortInput,
  refuse: PortRefusals,
  expectedRevision?: number,
): Promise<Port> {
  return context.store.write(async (tx) => {
    const port = await tx.ports.get(id, { forUpdate: true });
    if (!port || port.projectId !== caller.projectId) refuse("port-not-found", `Port ${id} could not be found.`);
    if (expectedRevision !== undefined && expectedRevision !== port.revisionNumber) {
      refuse(
        "revision-mismatch",
        `Constrained revision number ${expectedRevision} does not match the current revision ${port.revisionNumber}.`,
      );
    }
    const next: Port = {
      ...port,
      name: input.name ?? port.name,
      description: input.description ?? port.description,
      adminStateUp: input.adminStateUp ?? port.adminStateUp,
      fixedIps: input.fixedIps === undefined ? port.fixedIps : await nextFixedIps(tx, port, input.fixedIps, refuse),
      allowedAddressPairs:
        input.allowedAddressPairs === undefined
          ? port.allowedAddressPairs
          : pairsOf(port, input.allowedAddressPairs, context.limits.maxAddressPairs, refuse),
      portSecurityEnabled: input.portSecurityEnabled ?? port.portSecurityEnabled,
      extraDhcpOpts:
        input.extraDhcpOpts === undefined
          ? port.extraDhcpOpts
          : mergeDhcpOptions(port.extraDhcpOpts, input.extraDhcpOpts),
      bindingProfile: input.bindingProfile ?? port.bindingProfile,
    };
    refusePairsWithoutPortSecurity(input.allowedAddressPairs, next.portSecurityEnabled, refuse);
    if (input.securityGroups !== undefined) {
      next.securityGroupIds = await checkedGroups(
        tx,
        caller.projectId,
        input.securityGroups,
        next.portSecurityEnabled,
        refuse,
      );
    } else if (!next.portSecurityEnabled && port.securityGroupIds.length > 0) {
      refuse(
        "port-has-security-group",
        "Port has security group associated. Cannot disable port security or ip address until security group is removed.",
      );
    }
    const groupsChanged = JSON.stringify(next.securityGroupIds) !== JSON.stringify(port.securityGroupIds);
    const addressesChanged = JSON.stringify(next.fixedIps) !== JSON.stringify(port.fixedIps);
    const changed =
      groupsChanged ||
      addressesChanged ||
      next.adminStateUp !== port.adminStateUp ||
      next.name !== port.name ||
      next.description !== port.description ||
      next.portSecurityEnabled !== port.portSecurityEnabled ||
      JSON.stringify(next.extraDhcpOpts) !== JSON.stringify(port.extraDhcpOpts) ||
      JSON.stringify(next.bindingProfile) !== JSON.stringify(port.bindingProfile) ||
      !samePairs(next.allowedAddressPairs, port.allowedAddressPairs);
    if (!changed) return port;
    const updated = { ...next, revisionNumber: port.revisionNumber + 1, updatedAt: isoNow(context) };
    await tx.ports.update(updated);
    if (addressesChanged) await tx.ports.setFixedIps(updated);
    if (groupsChanged) await tx.securityGroups.setPortGroups(updated.id, updated.securityGroupIds);
    return updated;
  });
}

/** Unowned and VIP ports can be deleted; NICs using a VIP lose their pairs for it in the same transaction. */
export async function deletePort(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  refuse: PortRefusals,
): Promise<void> {
  await context.store.write(async (tx) => {
    const port = await tx.ports.get(id, { forUpdate: true });
    if (!port || port.projectId !== caller.projectId) refuse("port-not-found", `Port ${id} could not be found.`);
    if (!isVipCapableOwner(port.deviceOwner) || port.deviceId !== "") {
      refuse("port-in-use", `Port ${id} is owned by ${port.deviceOwner || "a device"} and cannot be deleted.`);
    }
    await removePort(tx, port, isoNow(context));
  });
}
