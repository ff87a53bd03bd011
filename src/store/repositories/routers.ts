import type { RouterAttributes } from "../../domain/routers/model.js";

/** Routers: a VPC is a router; this is what a router has beyond its VPC, and which subnets sit on it. */
export interface RouterRepository {
  /** Undefined when the VPC was never changed as a router (see `defaultRouterAttributes`). */
  getAttributes(vpcId: string): Promise<RouterAttributes | undefined>;
  /** Inserts or replaces the record (it goes with its VPC when that is deleted). */
  putAttributes(attributes: RouterAttributes): Promise<void>;
  /** Puts a subnet on a router (its VPC), or takes it off with null. */
  setSubnetVpc(subnetId: string, vpcId: string | null): Promise<void>;
}
