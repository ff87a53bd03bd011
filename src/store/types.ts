import type { Port, Server, Subnet } from "../domain/model.js";
import type { SecurityGroupRule } from "../domain/security-groups/model.js";

/** The words the store's repositories speak besides the domain's records: pages, read options and filters. */

export interface Page {
  limit: number;
  /** Id of the last item of the previous page; items sort by id. */
  marker?: string;
  /** Neutron's page_reverse: the `limit` items before the marker (the last ones without), still in id order. */
  reverse?: boolean;
}

export interface ReadOptions {
  /** Lock the row for the rest of the transaction (SELECT … FOR UPDATE where the store has row locks). */
  forUpdate?: boolean;
}

export interface PortFilter {
  projectId: string;
  ids?: string[];
  name?: string;
  networkId?: string;
  deviceId?: string;
  deviceOwner?: string;
  macAddress?: string;
  ipAddress?: string;
  /** Ports with a fixed IP whose text contains this (Neutron's ip-substring-filtering). */
  ipAddressSubstring?: string;
  /** Neutron subnet id of a fixed IP. */
  fixedIpSubnetId?: string;
  status?: string;
  adminStateUp?: boolean;
  /** Ports in any of these security groups. */
  securityGroupIds?: string[];
  page?: Page;
}

export interface SubnetFilter {
  vpcId?: string;
  /** Only VPC v1 subnets (leave out subnets created through Neutron, which belong to no VPC). */
  vpcOnly?: boolean;
  page: Page;
}

export interface NetworkFilter {
  name?: string;
  ids?: string[];
  page?: Page;
}

export interface EipFilter {
  ids?: string[];
  portId?: string;
  publicIpAddress?: string;
  page?: Page;
}

export interface SecurityGroupFilter {
  ids?: string[];
  name?: string;
  description?: string;
  vpcId?: string;
  page?: Page;
}

export interface SecurityGroupRuleFilter {
  ids?: string[];
  securityGroupId?: string;
  direction?: string;
  ethertype?: string;
  protocol?: string;
  remoteGroupId?: string;
  remoteIpPrefix?: string;
  portRangeMin?: number;
  portRangeMax?: number;
  page?: Page;
}

/** Every subnet, server and port of every project, by id: what the data plane lays on the wire. */
export interface NetworkState {
  subnets: Subnet[];
  servers: Server[];
  ports: Port[];
  /** IPv4 security group rules of every project. */
  rules: SecurityGroupRule[];
  /** EIPs bound to a port. */
  eips: BoundEip[];
}

export interface BoundEip {
  publicIpAddress: string;
  portId: string;
}

/**
 * What the data plane needs to follow one change, and nothing more: the servers, ports and subnets it names, every
 * NIC of those servers (and the servers of those NICs), the rules of the groups those ports are in, and the EIPs
 * bound to them. Ids asked for and not returned were deleted.
 */
export interface WireSlice {
  serverIds: string[];
  portIds: string[];
  subnetIds: string[];
  /** Groups whose rules the slice holds completely. */
  groupIds: string[];
  servers: Server[];
  ports: Port[];
  subnets: Subnet[];
  rules: SecurityGroupRule[];
  eips: BoundEip[];
}
