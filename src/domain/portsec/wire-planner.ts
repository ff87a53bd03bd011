import { isServerNic, type Port } from "../model.js";
import { insertRange, knownRange, mergedElements, type Range, removeRange } from "./address-set.js";
import { type DataplaneNames, EXTERNAL_BRIDGE, INTERNET_LINK } from "./names.js";
import { byText } from "./order.js";
import type { NicRules, RulesPlan } from "./rules-plan.js";
import { groupPartOf, groupSet, markHash, nicFilter, nicMarks } from "./security-groups.js";
import {
  holdsGateway,
  isVpcSubnet,
  type NetworkRows,
  routersOf,
  type ServerPart,
  segmentOf,
  serverPartOf,
  type VpcSubnet,
  type WirePlan,
  type WireRouter,
  type WireSegment,
  type WireServer,
} from "./topology.js";
import { WireRows, type WireRowsSlice } from "./wire-rows.js";

/** A map that remembers, for each key changed since `begin`, what it held before. */
class TrackedMap<V> {
  readonly current = new Map<string, V>();
  private readonly before = new Map<string, V | undefined>();

  begin(): void {
    this.before.clear();
  }

  set(key: string, value: V): void {
    if (!this.before.has(key)) this.before.set(key, this.current.get(key));
    this.current.set(key, value);
  }

  delete(key: string): void {
    if (!this.current.has(key)) return;
    if (!this.before.has(key)) this.before.set(key, this.current.get(key));
    this.current.delete(key);
  }

  /** The keys changed since `begin`: what they held then and what they hold now (absent ones left out). */
  changes(): { before: Map<string, V>; after: Map<string, V> } {
    const before = new Map<string, V>();
    const after = new Map<string, V>();
    for (const [key, old] of this.before) {
      if (old !== undefined) before.set(key, old);
      const now = this.current.get(key);
      if (now !== undefined) after.set(key, now);
    }
    return { before, after };
  }
}

/** What one change did to the plan: the parts it touched as they were and as they are now. */
export interface WireChange {
  /** Servers, NIC rules, group chains and sets the change touched, as planned before (with every segment and router). */
  before: WirePlan;
  /** The same parts now. */
  after: WirePlan;
  /** Every rule of the plan now, for loading the tables whole (after a bridge was created). */
  wholeRules(): RulesPlan;
}

type Filtered = ServerPart["filtered"][number];

/**
 * The one planner of the wire, for a full read and for a change alike: the plan is kept in parts (per server, per
 * NIC, per security group, per remote-group set), and a change re-plans only the parts its rows reach — the servers
 * and ports it names, the groups their membership or rules touch, the member sets of those groups. Segments and
 * routers (a few per VPC) are planned whole each time. `planWire` is a planner built from every row.
 */
export class WirePlanner {
  private subnets = new Map<string, VpcSubnet>();
  /** Server id → its NIC ports' ids. */
  private readonly nicsByServer = new Map<string, Set<string>>();
  /**
   * Group id → fixed IPs and pair addresses of its members with port security on (what `remote_group_id` matches),
   * each with how many members hold it: the group's set is planned again only when an address comes or goes.
   */
  private readonly memberAddresses = new Map<string, Map<string, number>>();
  /** Group id → the ranges of those addresses, sorted (its set's elements are merged from them without a sort). */
  private readonly memberRanges = new Map<string, Range[]>();
  /** Subnet id → ports holding its gateway address (the lowest id's MAC is the gateway's). */
  private readonly gatewayPorts = new Map<string, Set<string>>();
  private readonly parts = new Map<string, ServerPart>();
  private readonly servers = new TrackedMap<WireServer>();
  private readonly nics = new TrackedMap<NicRules>();
  private readonly groupChains = new TrackedMap<string[]>();
  private readonly sets = new TrackedMap<string[]>();
  /** Filtered NICs per group: a group's chains exist while some filtered NIC is a member. */
  private readonly groupUse = new Map<string, number>();
  /** Groups in use → the groups their rules name. */
  private readonly groupRemotes = new Map<string, string[]>();
  /** Group → groups in use whose rules name it: its member set exists while some do. */
  private readonly setUse = new Map<string, number>();
  private readonly filtered = new Map<string, Filtered>();
  private readonly marks = new Map<string, number>();
  /** Mark hash → filtered ports with that hash; while any hash has two, marks are assigned over all (`nicMarks`). */
  private readonly hashOwners = new Map<number, Set<string>>();
  private sharedHashes = 0;
  /** Ports filtered since marks were last assigned. */
  private unmarked: string[] = [];
  private marksProbed = false;
  private segments: WireSegment[] = [];
  private routers: WireRouter[] = [];

  private constructor(
    private readonly rows: WireRows,
    private readonly names: DataplaneNames,
  ) {}

  static from(rows: Required<NetworkRows>, names: DataplaneNames): WirePlanner {
    const planner = new WirePlanner(WireRows.from(rows), names);
    planner.subnets = new Map(rows.subnets.filter(isVpcSubnet).map((subnet) => [subnet.id, subnet]));
    const servers = new Set(rows.servers.map((server) => server.id));
    const memberGroups = new Set<string>();
    for (const port of rows.ports) planner.index(port, servers, memberGroups);
    planner.replan(servers, new Set(), memberGroups);
    return planner;
  }

  /** Patches the rows with one change's slice and re-plans what it reaches. */
  apply(slice: WireRowsSlice): WireChange {
    for (const parts of [this.servers, this.nics, this.groupChains, this.sets]) parts.begin();
    const { segments, routers } = this;
    const servers = new Set(slice.serverIds);
    const memberGroups = new Set<string>();
    for (const id of slice.portIds) {
      const old = this.rows.port(id);
      if (old) this.unindex(old, servers, memberGroups);
    }
    this.rows.patch(slice);
    if (slice.subnetIds.length > 0) {
      // A subnet came, went or changed (rare): its servers' NICs and gateways are read again whole.
      this.subnets = new Map(
        this.rows
          .rows()
          .subnets.filter(isVpcSubnet)
          .map((subnet) => [subnet.id, subnet]),
      );
      this.gatewayPorts.clear();
      for (const port of this.rows.portsById.values()) this.indexGateway(port);
      for (const id of this.parts.keys()) servers.add(id);
      for (const server of this.rows.rows().servers) servers.add(server.id);
    }
    for (const id of slice.portIds) {
      const port = this.rows.port(id);
      if (port) this.index(port, servers, memberGroups);
    }
    this.replan(servers, new Set(slice.groupIds), memberGroups);
    const part = <V>(map: TrackedMap<V>) => map.changes();
    const [s, n, c, m] = [part(this.servers), part(this.nics), part(this.groupChains), part(this.sets)];
    return {
      before: this.planOf(
        s.before.values(),
        { nics: n.before, groupChains: c.before, sets: m.before },
        segments,
        routers,
      ),
      after: this.planOf(s.after.values(), { nics: n.after, groupChains: c.after, sets: m.after }),
      wholeRules: () => this.plan().rules,
    };
  }

  /** The whole plan now. */
  plan(): WirePlan {
    const servers = [...this.servers.current.values()].sort((a, b) => byText(a.serverId, b.serverId));
    return this.planOf(servers, {
      nics: new Map(this.nics.current),
      groupChains: new Map(this.groupChains.current),
      sets: new Map(this.sets.current),
    });
  }

  private planOf(
    servers: Iterable<WireServer>,
    rules: RulesPlan,
    segments = this.segments,
    routers = this.routers,
  ): WirePlan {
    return {
      dataplaneNamespace: this.names.dataplaneNamespace,
      internetNamespace: this.names.internetNamespace,
      externalBridge: EXTERNAL_BRIDGE,
      internetLink: INTERNET_LINK,
      routers,
      segments,
      servers: [...servers],
      rules,
    };
  }

  private index(port: Port, servers: Set<string>, memberGroups: Set<string>): void {
    if (isServerNic(port) && port.nicIndex !== null) {
      addTo(this.nicsByServer, port.deviceId, port.id);
      servers.add(port.deviceId);
    }
    this.countAddresses(port, 1, memberGroups);
    this.indexGateway(port);
  }

  private unindex(port: Port, servers: Set<string>, memberGroups: Set<string>): void {
    removeFrom(this.nicsByServer, port.deviceId, port.id);
    servers.add(port.deviceId);
    this.countAddresses(port, -1, memberGroups);
    removeFrom(this.gatewayPorts, port.networkId, port.id);
  }

  /** Counts the port's addresses in (1) or out (-1) of its groups; `changed` gets the groups that gained or lost one. */
  private countAddresses(port: Port, delta: 1 | -1, changed: Set<string>): void {
    if (!port.portSecurityEnabled) return;
    const addresses = [
      ...port.fixedIps.map((fixedIp) => fixedIp.ipAddress),
      ...port.allowedAddressPairs.map((pair) => pair.ipAddress),
    ];
    for (const groupId of port.securityGroupIds) {
      const counts = this.memberAddresses.get(groupId) ?? new Map<string, number>();
      this.memberAddresses.set(groupId, counts);
      const ranges = this.memberRanges.get(groupId) ?? [];
      this.memberRanges.set(groupId, ranges);
      for (const address of addresses) {
        const next = (counts.get(address) ?? 0) + delta;
        const range = knownRange(address);
        if (next === 0 || (next === 1 && delta === 1)) {
          changed.add(groupId);
          if (range && next === 0) removeRange(ranges, range);
          if (range && next === 1) insertRange(ranges, range);
        }
        if (next === 0) counts.delete(address);
        else counts.set(address, next);
      }
      if (counts.size === 0) {
        this.memberAddresses.delete(groupId);
        this.memberRanges.delete(groupId);
      }
    }
  }

  private indexGateway(port: Port): void {
    const subnet = this.subnets.get(port.networkId);
    if (subnet && holdsGateway(port, subnet)) addTo(this.gatewayPorts, subnet.id, port.id);
  }

  private replan(servers: Set<string>, groups: Set<string>, memberGroups: Set<string>): void {
    // Servers: their old parts go first (a port may move between two of them), then the new ones come.
    for (const id of servers) {
      const old = this.parts.get(id);
      if (!old) continue;
      this.parts.delete(id);
      this.servers.delete(id);
      for (const nic of old.portsec) this.nics.delete(nic.link);
      for (const nic of old.filtered) this.unfilter(nic, groups);
    }
    const planned: ServerPart[] = [];
    for (const id of servers) {
      const row = this.rows.server(id);
      const ports = [...(this.nicsByServer.get(id) ?? [])].flatMap((portId) => this.rows.port(portId) ?? []);
      const part = row ? serverPartOf(row, ports, this.subnets, this.names) : undefined;
      if (!part) continue;
      this.parts.set(id, part);
      this.servers.set(id, part.server);
      for (const nic of part.filtered) this.filter(nic, groups);
      planned.push(part);
    }
    const remarked = this.assignMarks();
    for (const part of planned) {
      const filters = new Map(part.filtered.map((nic) => [nic.link, nic]));
      for (const { link, portsec } of part.portsec)
        this.nics.set(link, this.nicRules(link, portsec, filters.get(link)));
    }
    for (const portId of remarked) {
      const nic = this.filtered.get(portId) as Filtered;
      const rules = this.nics.current.get(nic.link);
      if (rules) this.nics.set(nic.link, this.nicRules(nic.link, rules.portsec, nic));
    }

    // Groups whose rules were read again or whose use began or ended; then the member sets they reach.
    for (const id of groups) {
      const part = (this.groupUse.get(id) ?? 0) > 0 ? groupPartOf(id, this.rows.rulesOf(id)) : undefined;
      for (const [name, rules] of part?.chains ?? groupPartOf(id, []).chains) {
        if (part) this.groupChains.set(name, rules);
        else this.groupChains.delete(name);
      }
      for (const remote of this.groupRemotes.get(id) ?? []) {
        if (count(this.setUse, remote, -1) === 0) memberGroups.add(remote);
      }
      for (const remote of part?.remoteGroups ?? []) {
        if (count(this.setUse, remote, 1) === 1) memberGroups.add(remote);
      }
      if (part) this.groupRemotes.set(id, part.remoteGroups);
      else this.groupRemotes.delete(id);
    }
    for (const id of memberGroups) {
      if ((this.setUse.get(id) ?? 0) > 0) this.sets.set(groupSet(id), mergedElements(this.memberRanges.get(id) ?? []));
      else this.sets.delete(groupSet(id));
    }

    // Segments and routers: a few per VPC, planned whole.
    this.segments = [...this.subnets.values()]
      .sort((a, b) => byText(a.id, b.id))
      .map((subnet) => segmentOf(subnet, this.gatewayMac(subnet.id), this.names));
    this.routers = routersOf(this.subnets, this.rows.portsById, this.rows.eips(), this.names);
  }

  private nicRules(link: string, portsec: string[], filtered: Filtered | undefined): NicRules {
    if (!filtered) return { link, portsec };
    return { link, portsec, filter: nicFilter(this.marks.get(filtered.portId) as number, filtered.groupIds) };
  }

  private filter(nic: Filtered, groups: Set<string>): void {
    this.filtered.set(nic.portId, nic);
    this.unmarked.push(nic.portId);
    for (const id of nic.groupIds) if (count(this.groupUse, id, 1) === 1) groups.add(id);
    const hash = markHash(nic.portId);
    const owners = this.hashOwners.get(hash) ?? new Set<string>();
    owners.add(nic.portId);
    this.hashOwners.set(hash, owners);
    if (owners.size === 2) this.sharedHashes++;
  }

  private unfilter(nic: Filtered, groups: Set<string>): void {
    this.filtered.delete(nic.portId);
    this.marks.delete(nic.portId);
    for (const id of nic.groupIds) if (count(this.groupUse, id, -1) === 0) groups.add(id);
    const hash = markHash(nic.portId);
    const owners = this.hashOwners.get(hash);
    owners?.delete(nic.portId);
    if (owners?.size === 1) this.sharedHashes--;
    if (owners?.size === 0) this.hashOwners.delete(hash);
  }

  /**
   * Each filtered NIC's mark: its hash, unless two NICs share one; then every mark as `nicMarks` assigns them over
   * all NICs (rare: 31 bits). Returns the ports already planned whose mark changed.
   */
  private assignMarks(): string[] {
    const remarked: string[] = [];
    const unmarked = this.unmarked;
    this.unmarked = [];
    if (this.sharedHashes > 0 || this.marksProbed) {
      this.marksProbed = this.sharedHashes > 0;
      for (const [portId, mark] of nicMarks([...this.filtered.keys()])) {
        if (this.marks.has(portId) && this.marks.get(portId) !== mark) remarked.push(portId);
        this.marks.set(portId, mark);
      }
      return remarked;
    }
    for (const portId of unmarked) if (this.filtered.has(portId)) this.marks.set(portId, markHash(portId));
    return remarked;
  }

  private gatewayMac(subnetId: string): string | undefined {
    const ids = [...(this.gatewayPorts.get(subnetId) ?? [])].sort(byText);
    return ids[0] === undefined ? undefined : this.rows.port(ids[0])?.macAddress;
  }
}

/** Everything the store implies on the wire, planned from every row. */
export function planWire(rows: NetworkRows, names: DataplaneNames): WirePlan {
  return WirePlanner.from({ rules: [], eips: [], ...rows }, names).plan();
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}

/** Adds `delta` to the key's count (dropping it at 0); returns the new count. */
function count(map: Map<string, number>, key: string, delta: number): number {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
  return next;
}
