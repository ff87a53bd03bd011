import type { AddressRange } from "../../domain/ipam/subnet-addresses.js";
import type { Network, Subnet, Vpc } from "../../domain/model.js";
import type { NetworkFilter, Page, ReadOptions, SubnetFilter } from "../types.js";

/**
 * VPCs, networks, subnets and the free addresses of each subnet. A VPC v1 subnet's network shares its id;
 * Neutron-native networks have no VPC.
 */
export interface NetworkRepository {
  insertVpc(vpc: Vpc): Promise<void>;
  getVpc(id: string, options?: ReadOptions): Promise<Vpc | undefined>;
  listVpcs(projectId: string, page: Page): Promise<Vpc[]>;
  /** Replaces name, description and CIDR. */
  updateVpc(vpc: Vpc): Promise<void>;
  deleteVpc(id: string): Promise<void>;

  insertNetwork(network: Network): Promise<void>;
  getNetwork(id: string, options?: ReadOptions): Promise<Network | undefined>;
  listNetworks(projectId: string, filter: NetworkFilter): Promise<Network[]>;
  /** Replaces name, description, admin state, port-security default, status, revision and updated_at. */
  updateNetwork(network: Network): Promise<void>;
  deleteNetwork(id: string): Promise<void>;

  insertSubnet(subnet: Subnet): Promise<void>;
  getSubnet(id: string, options?: ReadOptions): Promise<Subnet | undefined>;
  /** By the id Neutron shows (`fixed_ips[].subnet_id`, `/v2.0/subnets/{id}`). */
  getSubnetByNeutronId(neutronSubnetId: string, options?: ReadOptions): Promise<Subnet | undefined>;
  listSubnets(projectId: string, filter: SubnetFilter): Promise<Subnet[]>;
  listSubnetsOfVpc(vpcId: string): Promise<Subnet[]>;
  /** A network's subnets by creation time (then id). */
  listSubnetsOfNetwork(networkId: string): Promise<Subnet[]>;
  /** Replaces name, description, DHCP flag, DNS servers, DHCP options, allocation pools, revision and updated_at. */
  updateSubnet(subnet: Subnet): Promise<void>;
  /** Deletes the subnet row only: its ports are removed first, one by one (see usecases/shared/remove-port). */
  deleteSubnet(id: string): Promise<void>;

  /**
   * The free addresses of a subnet (by its Neutron subnet id) as ranges ending at or after `from`, lowest first, at
   * most `limit`: one indexed seek, whatever the subnet holds. The store keeps them in step with every fixed IP it
   * writes or deletes (ports inserted and deleted, subnets created and deleted) in the same transaction.
   */
  freeRanges(subnetId: string, from: number, limit: number): Promise<AddressRange[]>;
}
