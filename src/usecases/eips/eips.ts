import { type Eip, EXTERNAL_NETWORK_ID, parsePool, takeFromPool } from "../../domain/eips/model.js";
import { isSystemOwner } from "../../domain/ipam/subnet-addresses.js";
import type { Port } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { Tx } from "../../store/store.js";
import type { EipFilter } from "../../store/types.js";
import { type Caller, isoNow, type UseCaseContext } from "../context.js";
import { refuseStale } from "../neutron/revisions.js";
import type { EipErrors } from "./errors.js";

export interface EipView {
  eip: Eip;
  /** The port it is bound to, for the private address both APIs show. */
  port?: Port;
  /** The router (VPC) the bound port's subnet sits on: what Neutron shows as the floating IP's `router_id`. */
  routerId?: string;
}

export interface AllocateEipInput {
  type: string;
  alias: string;
  ipAddress?: string;
  portId?: string;
  /** Which of the port's fixed IPs (Neutron); omitted: the port's first. */
  fixedIpAddress?: string | null;
  /** Neutron's description; VPC v1 gives none. */
  description?: string;
  bandwidth: { name: string; size: number; shareType: string; chargeMode: string };
}

async function viewOf(tx: Tx, eip: Eip): Promise<EipView> {
  const port = eip.portId === null ? undefined : await tx.ports.get(eip.portId);
  return { eip, port, routerId: port ? await routerOf(tx, port) : undefined };
}

/** The router (VPC) of the subnet of a port's first fixed IP, if that subnet sits on one. */
async function routerOf(tx: Tx, port: Port): Promise<string | undefined> {
  const subnetId = port.fixedIps[0]?.subnetId;
  const subnet = subnetId === undefined ? undefined : await tx.networks.getSubnetByNeutronId(subnetId);
  return subnet?.vpcId ?? undefined;
}

/** The fixed IP of the port a floating IP maps to: one the port holds (400 otherwise), or null for its first. */
function fixedIpOf(port: Port, requested: string | null | undefined, errors: EipErrors): string | null {
  if (requested === undefined || requested === null) return null;
  if (!port.fixedIps.some((ip) => ip.ipAddress === requested)) {
    fail(errors.invalid, `Bad floatingip request: Port ${port.id} does not have fixed ip ${requested}.`);
  }
  return requested;
}

/**
 * Neutron binds a floating IP only to a port whose subnet sits on a router with a gateway on the external network
 * (a VPC made through VPC v1 has one from the start).
 */
async function refuseUnreachable(tx: Tx, port: Port, errors: EipErrors): Promise<void> {
  if (errors.unreachable === undefined) return;
  const routerId = await routerOf(tx, port);
  const attributes = routerId === undefined ? undefined : await tx.routers.getAttributes(routerId);
  if (routerId === undefined || attributes?.externalGateway === false) {
    fail(
      errors.unreachable,
      `External network ${EXTERNAL_NETWORK_ID} is not reachable from subnet ${port.fixedIps[0]?.subnetId}. Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  }
}

async function requireEip(tx: Tx, caller: Caller, id: string, errors: EipErrors, forUpdate = false): Promise<Eip> {
  const eip = await tx.eips.get(id, { forUpdate });
  if (!eip || eip.projectId !== caller.projectId) fail(errors.notFound, `Floating IP ${id} could not be found.`);
  return eip;
}

/** A port of the project that can carry an EIP: a server NIC, a VIP port or an unowned port — no system port. */
async function bindablePort(tx: Tx, caller: Caller, portId: string, errors: EipErrors): Promise<Port> {
  const port = await tx.ports.get(portId, { forUpdate: true });
  if (!port || port.projectId !== caller.projectId) fail(errors.portNotFound, `Port ${portId} could not be found.`);
  if (isSystemOwner(port.deviceOwner) || port.fixedIps.length === 0) {
    fail(errors.portInvalid, `Port ${portId} has owner ${port.deviceOwner} and cannot take an EIP.`);
  }
  const holders = await tx.eips.list(caller.projectId, { portId });
  if (holders.length > 0) fail(errors.portHasEip, `Port ${portId} already has EIP ${holders[0]?.publicIpAddress}.`);
  await refuseUnreachable(tx, port, errors);
  return port;
}

export async function allocateEip(
  context: UseCaseContext,
  caller: Caller,
  input: AllocateEipInput,
  errors: EipErrors,
): Promise<EipView> {
  const pool = parsePool(context.limits.eipPool);
  if (!pool) throw new Error(`invalid EIP pool ${context.limits.eipPool}`);
  return context.store.write(async (tx) => {
    const taken = takeFromPool(pool, await tx.eips.usedAddresses(), input.ipAddress);
    if (!taken.ok) {
      if (taken.reason === "invalid") fail(errors.invalid, `${input.ipAddress} is not an address of the EIP pool.`);
      if (taken.reason === "in-use") fail(errors.addressInUse, `The IP address ${input.ipAddress} is in use.`);
      fail(errors.exhausted);
    }
    const port = input.portId === undefined ? undefined : await bindablePort(tx, caller, input.portId, errors);
    const fixedIpAddress = port ? fixedIpOf(port, input.fixedIpAddress, errors) : null;
    const now = isoNow(context);
    const eip: Eip = {
      id: context.newId(),
      projectId: caller.projectId,
      publicIpAddress: taken.ipAddress,
      type: input.type,
      alias: input.alias,
      portId: port?.id ?? null,
      fixedIpAddress,
      bandwidthId: context.newId(),
      bandwidthName: input.bandwidth.name,
      bandwidthSize: input.bandwidth.size,
      bandwidthShareType: input.bandwidth.shareType,
      bandwidthChargeMode: input.bandwidth.chargeMode,
      description: input.description ?? "",
      revisionNumber: 0,
      createdAt: now,
      updatedAt: now,
    };
    await tx.eips.insert(eip);
    return { eip, port, routerId: port ? await routerOf(tx, port) : undefined };
  });
}

export async function listEips(context: UseCaseContext, caller: Caller, filter: EipFilter): Promise<EipView[]> {
  return context.store.read(async (tx) => {
    const views: EipView[] = [];
    for (const eip of await tx.eips.list(caller.projectId, filter)) views.push(await viewOf(tx, eip));
    return views;
  });
}

export async function showEip(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: EipErrors,
): Promise<EipView> {
  return context.store.read(async (tx) => viewOf(tx, await requireEip(tx, caller, id, errors)));
}

/**
 * Binds (`portId` a port id), unbinds (`portId` null), renames or describes. VPC v1 refuses to move a bound EIP to
 * another port (unbind first); Neutron moves it. A change raises the revision; `expectedRevision` is Neutron's If-Match.
 */
export async function updateEip(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: { portId?: string | null; fixedIpAddress?: string | null; alias?: string; description?: string },
  errors: EipErrors,
  options: { moveBound: boolean; expectedRevision?: number },
): Promise<EipView> {
  return context.store.write(async (tx) => {
    const eip = await requireEip(tx, caller, id, errors, true);
    refuseStale(eip.revisionNumber, options.expectedRevision);
    const next: Eip = {
      ...eip,
      alias: input.alias ?? eip.alias,
      description: input.description ?? eip.description,
    };
    if (input.portId !== undefined && input.portId !== eip.portId) {
      if (input.portId === null) {
        next.portId = null;
        next.fixedIpAddress = null;
      } else {
        if (eip.portId !== null && !options.moveBound) {
          fail(errors.alreadyBound, `EIP ${eip.publicIpAddress} is bound to port ${eip.portId}.`);
        }
        const port = await bindablePort(tx, caller, input.portId, errors);
        next.portId = port.id;
        next.fixedIpAddress = fixedIpOf(port, input.fixedIpAddress, errors);
      }
    } else if (input.fixedIpAddress !== undefined && eip.portId !== null) {
      const port = await tx.ports.get(eip.portId, { forUpdate: true });
      if (port) next.fixedIpAddress = fixedIpOf(port, input.fixedIpAddress, errors);
    }
    const changed =
      next.portId !== eip.portId ||
      next.alias !== eip.alias ||
      next.fixedIpAddress !== eip.fixedIpAddress ||
      next.description !== eip.description;
    if (changed) {
      next.updatedAt = isoNow(context);
      next.revisionNumber = eip.revisionNumber + 1;
      await tx.eips.update(next);
    }
    return viewOf(tx, next);
  });
}

/** Returns the address to the pool; VPC v1 refuses while it is bound, Neutron unbinds it first. */
export async function releaseEip(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  errors: EipErrors,
  options: { refuseBound: boolean },
): Promise<void> {
  await context.store.write(async (tx) => {
    const eip = await requireEip(tx, caller, id, errors, true);
    if (eip.portId !== null && options.refuseBound) fail(errors.boundNotReleasable);
    await tx.eips.delete(id);
  });
}
