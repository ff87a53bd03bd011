import type { BindRefusal, NicRefusal } from "../../domain/vip/bind.js";
import { fail } from "../../errors/cloud-error.js";
import type { ErrorId } from "../../errors/registry.js";

/** How ECS answers each reason the binding rules give for refusing a NIC or a bind. */
const ECS_CODES: Record<NicRefusal | BindRefusal, { id: ErrorId; detail?: string }> = {
  "nic-not-found": { id: "ecsPortNotFound" },
  "not-server-nic": { id: "ecsNotServerNic" },
  "server-not-found": { id: "ecsServerNotFound" },
  "server-status": { id: "ecsServerStatus" },
  "subnet-not-found": { id: "ecsSubnetNotFound" },
  "vpc-mismatch": { id: "ecsVpcMismatch" },
  "ip-not-in-subnet": { id: "ecsIpNotInSubnet" },
  "ip-in-use": { id: "ecsIpInUse" },
  "nic-pairs-exhausted": { id: "ecsPortUpdateFailed", detail: "Too many allowed address pairs on the NIC." },
  "vip-pairs-exhausted": {
    id: "ecsPortUpdateFailed",
    detail: "Too many allowed address pairs on the virtual IP port.",
  },
};

export function failEcs(reason: NicRefusal | BindRefusal): never {
  const { id, detail } = ECS_CODES[reason];
  fail(id, detail);
}
