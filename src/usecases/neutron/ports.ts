import type { Port } from "../../domain/model.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";
import type { Caller, UseCaseContext } from "../context.js";
import * as ports from "../shared/ports.js";

export type { PairInput } from "../../domain/ports/address-pairs.js";
export type { CreatePortInput, UpdatePortInput } from "../shared/ports.js";

const NEUTRON_CODES: Record<ports.PortRefusal, ErrorId> = {
  "port-not-found": "portNotFound",
  "network-not-found": "networkNotFound",
  "subnet-not-in-network": "neutronInvalidInput",
  "ip-invalid": "neutronInvalidIpForSubnet",
  "ip-in-use": "neutronIpInUse",
  "ip-exhausted": "neutronIpExhausted",
  "pairs-exhausted": "neutronPairsExhausted",
  "port-in-use": "neutronPortInUse",
  "security-group-not-found": "neutronSgNotFound",
  "port-security-required": "neutronPortSecurityRequired",
  "port-has-security-group": "neutronPortHasSecurityGroup",
  "mac-in-use": "neutronMacInUse",
  "revision-mismatch": "neutronRevisionMismatch",
  "pairs-need-port-security": "neutronPairsNeedPortSecurity",
};

/** How Neutron answers each reason the port rules give for refusing a request. */
export const neutronRefusals: ports.PortRefusals = (reason, detail) => fail(NEUTRON_CODES[reason], detail);

export const listPorts = ports.listPorts;

export function showPort(context: UseCaseContext, caller: Caller, id: string): Promise<Port> {
  return ports.showPort(context, caller, id, neutronRefusals);
}

export function createPort(context: UseCaseContext, caller: Caller, input: ports.CreatePortInput): Promise<Port> {
  return ports.createPort(context, caller, input, neutronRefusals);
}

/** Neutron's bulk create: every port or none; `callers[i]` is whom port i is made for. */
export function createPorts(
  context: UseCaseContext,
  callers: readonly Caller[],
  inputs: ports.CreatePortInput[],
): Promise<Port[]> {
  return ports.createPorts(context, callers, inputs, neutronRefusals);
}

export function updatePort(
  context: UseCaseContext,
  caller: Caller,
  id: string,
  input: ports.UpdatePortInput,
  expectedRevision?: number,
): Promise<Port> {
  return ports.updatePort(context, caller, id, input, neutronRefusals, expectedRevision);
}

export function deletePort(context: UseCaseContext, caller: Caller, id: string): Promise<void> {
  return ports.deletePort(context, caller, id, neutronRefusals);
}
