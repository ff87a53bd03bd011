import type { Port, Server, Subnet } from "../model.js";
import type { SecurityGroupRule } from "../security-groups/model.js";
import type { NetworkRows } from "./topology.js";

/** A bound EIP as the data plane sees it. */
export interface WireEip {
  publicIpAddress: string;
  portId: string;
}

/** What one change read from the store (see `Tx.readWireSlice`): ids asked for and missing were deleted. */
export interface WireRowsSlice {
  serverIds: readonly string[];
  portIds: readonly string[];
  subnetIds: readonly string[];
  /** Groups whose rules the slice holds completely. */
  groupIds: readonly string[];
  servers: readonly Server[];
  ports: readonly Port[];
  subnets: readonly Subnet[];
  rules: readonly SecurityGroupRule[];
  eips: readonly WireEip[];
}

/**
 * The rows the wire is planned from, kept between changes so that a change reads only what it touched: patched with
 * each change's slice (see wire-planner.ts).
 */
export class WireRows {
  private readonly subnets = new Map<string, Subnet>();
  private readonly servers = new Map<string, Server>();
  private readonly ports = new Map<string, Port>();
  private readonly rulesByGroup = new Map<string, SecurityGroupRule[]>();
  private readonly eipsByPort = new Map<string, WireEip[]>();

  static from(rows: Required<NetworkRows>): WireRows {
    const wire = new WireRows();
    for (const subnet of rows.subnets) wire.subnets.set(subnet.id, subnet);
    for (const server of rows.servers) wire.servers.set(server.id, server);
    for (const port of rows.ports) wire.ports.set(port.id, port);
    for (const rule of rows.rules) push(wire.rulesByGroup, rule.securityGroupId, rule);
    for (const eip of rows.eips) push(wire.eipsByPort, eip.portId, eip);
    return wire;
  }

  /** Replaces everything the slice answers for with what it holds (absent: deleted). */
  patch(slice: WireRowsSlice): void {
    replace(this.servers, slice.serverIds, slice.servers);
    replace(this.ports, slice.portIds, slice.ports);
    replace(this.subnets, slice.subnetIds, slice.subnets);
    for (const id of slice.groupIds) this.rulesByGroup.delete(id);
    for (const rule of slice.rules) push(this.rulesByGroup, rule.securityGroupId, rule);
    for (const id of slice.portIds) this.eipsByPort.delete(id);
    for (const eip of slice.eips) push(this.eipsByPort, eip.portId, eip);
  }

  port(id: string): Port | undefined {
    return this.ports.get(id);
  }

  server(id: string): Server | undefined {
    return this.servers.get(id);
  }

  get portsById(): ReadonlyMap<string, Port> {
    return this.ports;
  }

  /** The group's IPv4 rules (as complete as the last full read or slice that answered for the group). */
  rulesOf(groupId: string): readonly SecurityGroupRule[] {
    return this.rulesByGroup.get(groupId) ?? [];
  }

  eips(): WireEip[] {
    return [...this.eipsByPort.values()].flat();
  }

  rows(): Required<NetworkRows> {
    return {
      subnets: [...this.subnets.values()],
      servers: [...this.servers.values()],
      ports: [...this.ports.values()],
      rules: [...this.rulesByGroup.values()].flat(),
      eips: [...this.eipsByPort.values()].flat(),
    };
  }
}

function replace<T extends { id: string }>(map: Map<string, T>, ids: readonly string[], fresh: readonly T[]): void {
  for (const id of ids) map.delete(id);
  for (const item of fresh) map.set(item.id, item);
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
