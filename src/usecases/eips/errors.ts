import type { ErrorId } from "../../errors/registry.js";

/** The codes one API (VPC v1 publicips, Neutron floatingips) answers each EIP outcome with. */
export interface EipErrors {
  invalid: ErrorId;
  notFound: ErrorId;
  /** The port to bind does not exist in the project. */
  portNotFound: ErrorId;
  /** The port exists but cannot take an EIP (a system port). */
  portInvalid: ErrorId;
  alreadyBound: ErrorId;
  portHasEip: ErrorId;
  boundNotReleasable: ErrorId;
  addressInUse: ErrorId;
  exhausted: ErrorId;
  /** Neutron only: the port's subnet is on no router with a gateway on the external network. */
  unreachable?: ErrorId;
}

export const VPC_EIP_ERRORS: EipErrors = {
  invalid: "eipInvalidParameter",
  notFound: "eipNotFound",
  portNotFound: "eipInvalidParameter",
  portInvalid: "eipInvalidParameter",
  alreadyBound: "eipAlreadyBound",
  portHasEip: "eipPortHasEip",
  boundNotReleasable: "eipBoundNotReleasable",
  addressInUse: "eipAddressInUse",
  exhausted: "eipPoolExhausted",
};

export const NEUTRON_FLOATING_IP_ERRORS: EipErrors = {
  invalid: "neutronInvalidInput",
  notFound: "neutronFloatingIpNotFound",
  portNotFound: "portNotFound",
  portInvalid: "neutronBadRequest",
  alreadyBound: "neutronFloatingIpPortTaken",
  portHasEip: "neutronFloatingIpPortTaken",
  boundNotReleasable: "neutronInvalidInput",
  addressInUse: "neutronIpInUse",
  exhausted: "neutronIpExhausted",
  unreachable: "neutronExternalGatewayNotFound",
};
