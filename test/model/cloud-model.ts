/**
 * A small in-memory reference model of the cloud's network: VPCs, subnets with their system ports, servers with NICs,
 * private IPs and VIP ports, and allowed_address_pairs on both sides of a binding. It is written from the behaviour
 * documents (docs/vip-binding.md and the cloud's API reference), not from src/: it shares no code with
 * the server, so a disagreement between the two is a finding.
 *
 * The model interprets requests (`Op`) and answers what the cloud must answer: a status and, for errors, the code.
 * Identifiers and MAC addresses the server invents are learned from observation (`learn`), everything else is predicted.
 */
import { ipToNumber, isMacAddress, isPairAddress, numberToIp, parseBlock } from "./net.js";

export const VIP_OWNER = "neutron:VIP_PORT";
export const NIC_OWNER = "compute:local-1a";
export const DHCP_OWNER = "network:dhcp";
export const ROUTER_OWNER = "network:router_interface_distributed";

export interface ModelLimits {
  maxPairs: number;
  maxNicsPerServer: number;
  maxPrivateIpsPerRequest: number;
}

export interface MSubnet {
  id: string;
  neutronSubnetId: string;
  vpcId: string;
  network: number;
  last: number;
  gateway: string;
  /** Deleted subnets stay in the list (picks are positions) but exist no more. */
  gone?: boolean;
}

export interface Pair {
  ip: string;
  mac: string;
}

export interface MPort {
  networkId: string;
  ip: string;
  owner: string;
  /** For system ports the subnet id, for NICs see serverUid, otherwise "". */
  deviceId: string;
  serverUid?: number;
  status: string;
  pairs: Pair[];
  revision: number;
  /** Learned from the server once the port is seen. */
  id?: string;
  mac?: string;
  /** updated_at as last seen, and whether the model changed the port since (otherwise it must not move). */
  updatedAt?: string;
  touched?: boolean;
}

export interface MServer {
  uid: number;
  id?: string;
  vpcId: string;
  status: "BUILD" | "ACTIVE";
  /** Port keys in NIC order; the first is the primary NIC. */
  nics: string[];
}

export interface MJob {
  uid: number;
  id?: string;
  status: "RUNNING" | "SUCCESS";
  serverUids: number[];
}

export interface ModelState {
  vpcIds: string[];
  subnets: MSubnet[];
  ports: Record<string, MPort>;
  servers: MServer[];
  jobs: MJob[];
  nextUid: number;
}

export type Op =
  | { kind: "createServers"; vpcId: string; nics: { subnetId: string; ip?: string }[]; count: number }
  | { kind: "pollJob"; jobId: string }
  | { kind: "addNic"; serverId: string; subnetId: string; ip?: string }
  | { kind: "deleteNic"; serverId: string; nicId: string }
  | { kind: "deleteServers"; serverIds: string[] }
  | { kind: "bind"; nicId: string; subnetId: string; ip: string; reverse?: boolean }
  | { kind: "unbind"; nicId: string }
  | { kind: "assignPrivateIps"; entries: { subnetId: string; ip?: string }[] }
  | { kind: "deletePrivateIp"; id: string }
  | {
      kind: "createPort";
      networkId: string;
      fixedIp?: { subnetId?: string; ip?: string };
      owner: "" | typeof VIP_OWNER;
    }
  | { kind: "deletePort"; id: string }
  | { kind: "setPairs"; portId: string; pairs: { ip: string; mac?: string }[] }
  | { kind: "deleteSubnet"; vpcId: string; subnetId: string }
  | { kind: "deleteVpc"; vpcId: string };

export interface Outcome {
  status: number;
  code?: string;
  /** Servers and job a successful creation made, in the order the response lists them. */
  serverUids?: number[];
  jobUid?: number;
  /** Keys of the ports a successful request created, in the order the response lists them. */
  portKeys?: string[];
  /** The NIC id a bind or unbind answers with. */
  portId?: string;
  /** The pairs a port update answers with. */
  pairs?: Pair[];
}

export const portKey = (networkId: string, ip: string) => `${networkId}|${ip}`;

const ok = (status: number, extra: Partial<Outcome> = {}): Outcome => ({ status, ...extra });
const err = (status: number, code: string): Outcome => ({ status, code });
const isVipCapable = (owner: string) => owner === "" || owner === VIP_OWNER;
const isNic = (owner: string) => owner.startsWith("compute:");

export class CloudModel {
  constructor(
    readonly state: ModelState,
    readonly limits: ModelLimits,
  ) {}

  static empty(limits: ModelLimits): CloudModel {
    return new CloudModel({ vpcIds: [], subnets: [], ports: {}, servers: [], jobs: [], nextUid: 1 }, limits);
  }

  clone(): CloudModel {
    return new CloudModel(structuredClone(this.state), this.limits);
  }

  // ---- setup (the world is built through the API; the model records what it must then contain)

  addVpc(id: string): void {
    this.state.vpcIds.push(id);
  }

  addSubnet(subnet: { id: string; neutronSubnetId: string; vpcId: string; cidr: string; gateway: string }): void {
    const block = parseBlock(subnet.cidr);
    if (!block) throw new Error(`model: bad cidr ${subnet.cidr}`);
    const s: MSubnet = { ...subnet, network: block.network, last: block.last };
    this.state.subnets.push(s);
    // Gateway, DHCP on broadcast−1 and the system port on broadcast−2 exist from birth.
    for (const [ip, owner] of [
      [subnet.gateway, ROUTER_OWNER],
      [numberToIp(block.last - 1), DHCP_OWNER],
      [numberToIp(block.last - 2), ROUTER_OWNER],
    ] as const) {
      this.state.ports[portKey(s.id, ip)] = {
        networkId: s.id,
        ip,
        owner,
        deviceId: s.id,
        status: "ACTIVE",
        pairs: [],
        revision: 0,
      };
    }
  }

  // ---- lookups

  subnet(id: string): MSubnet | undefined {
    return this.state.subnets.find((s) => s.id === id && !s.gone);
  }

  portById(id: string): MPort | undefined {
    return Object.values(this.state.ports).find((p) => p.id === id);
  }

  server(id: string): MServer | undefined {
    return this.state.servers.find((s) => s.id !== undefined && s.id === id);
  }

  serverByUid(uid: number | undefined): MServer | undefined {
    return this.state.servers.find((s) => s.uid === uid);
  }

  vpcOfNetwork(networkId: string): string | undefined {
    return this.subnet(networkId)?.vpcId;
  }

  networksOfVpc(vpcId: string | undefined): Set<string> {
    return new Set(this.state.subnets.filter((s) => s.vpcId === vpcId && !s.gone).map((s) => s.id));
  }

  /** device_id the server must show for this port. */
  deviceIdOf(port: MPort): string {
    if (port.serverUid !== undefined) return this.serverByUid(port.serverUid)?.id ?? "?";
    return port.deviceId;
  }

  private usedIps(networkId: string): Set<string> {
    return new Set(
      Object.values(this.state.ports)
        .filter((p) => p.networkId === networkId)
        .map((p) => p.ip),
    );
  }

  /** A host address (not network, not broadcast) of the subnet. */
  private isHost(subnet: MSubnet, ip: string): boolean {
    const n = ipToNumber(ip);
    return n !== undefined && n > subnet.network && n < subnet.last;
  }

  /**
   * Takes `requested`, or the lowest free address from network+2 upward; `taken` carries what earlier parts of the
   * same request already took.
   */
  private allocate(
    subnet: MSubnet,
    requested: string | undefined,
    taken: Map<string, Set<string>>,
  ): { ip: string } | { reason: "invalid" | "in-use" | "exhausted" } {
    let used = taken.get(subnet.id);
    if (!used) {
      used = this.usedIps(subnet.id);
      taken.set(subnet.id, used);
    }
    if (requested !== undefined) {
      if (!this.isHost(subnet, requested)) return { reason: "invalid" };
      if (used.has(requested)) return { reason: "in-use" };
      used.add(requested);
      return { ip: requested };
    }
    for (let n = subnet.network + 2; n < subnet.last; n++) {
      const ip = numberToIp(n);
      if (!used.has(ip)) {
        used.add(ip);
        return { ip };
      }
    }
    return { reason: "exhausted" };
  }

  private newUid(): number {
    return this.state.nextUid++;
  }

  private nicPort(serverUid: number, networkId: string, ip: string, status: string): MPort {
    return { networkId, ip, owner: NIC_OWNER, deviceId: "", serverUid, status, pairs: [], revision: 0 };
  }

  /** Replaces a port's pairs; the revision moves only when the list really changed. */
  private setPairsOf(port: MPort, pairs: Pair[]): void {
    const same = pairs.length === port.pairs.length && pairs.every((p, i) => samePair(p, port.pairs[i] as Pair));
    if (same) return;
    port.pairs = pairs;
    port.revision++;
    port.touched = true;
  }

  /** A NIC leaves: its IP/MAC pair leaves every VIP-capable port of the project. */
  private detachNic(nic: MPort): void {
    for (const port of Object.values(this.state.ports)) {
      if (port === nic || !isVipCapable(port.owner)) continue;
      this.setPairsOf(
        port,
        port.pairs.filter((p) => !(p.ip === nic.ip && p.mac === nic.mac)),
      );
    }
  }

  /** Ports of the same VPC (other than `port`) whose pairs name the port's address, whatever the MAC. */
  private pointingAt(port: MPort): MPort[] {
    const networks = this.networksOfVpc(this.vpcOfNetwork(port.networkId));
    return Object.values(this.state.ports).filter(
      (other) => other !== port && networks.has(other.networkId) && other.pairs.some((p) => p.ip === port.ip),
    );
  }

  private deletePortRecord(port: MPort): void {
    delete this.state.ports[portKey(port.networkId, port.ip)];
  }

  // ---- the interpreter

  apply(op: Op): Outcome {
    switch (op.kind) {
      case "createServers":
        return this.createServers(op);
      case "pollJob":
        return this.pollJob(op.jobId);
      case "addNic":
        return this.addNic(op);
      case "deleteNic":
        return this.deleteNic(op);
      case "deleteServers":
        return this.deleteServers(op.serverIds);
      case "bind":
        return this.bind(op);
      case "unbind":
        return this.bind({ kind: "bind", nicId: op.nicId, subnetId: "", ip: "" });
      case "assignPrivateIps":
        return this.assignPrivateIps(op.entries);
      case "deletePrivateIp":
        return this.deletePrivateIp(op.id);
      case "createPort":
        return this.createPort(op);
      case "deletePort":
        return this.deletePort(op.id);
      case "setPairs":
        return this.setPairs(op.portId, op.pairs);
      case "deleteSubnet":
        return this.deleteSubnet(op.vpcId, op.subnetId);
      case "deleteVpc":
        return this.deleteVpc(op.vpcId);
    }
  }

  /** ECS: allocation failures of a NIC, in the order the cloud checks them. */
  private nicAllocationError(reason: "invalid" | "in-use" | "exhausted"): Outcome {
    if (reason === "invalid") return err(400, "Ecs.0039");
    if (reason === "in-use") return err(400, "Ecs.0010");
    return err(400, "Ecs.0012");
  }

  private createServers(op: Extract<Op, { kind: "createServers" }>): Outcome {
    const requested = op.nics.map((nic) => (nic.ip === "" ? undefined : nic.ip));
    if (requested.some((ip) => ip !== undefined && ipToNumber(ip) === undefined)) return err(400, "Ecs.0005");
    if (op.nics.length > this.limits.maxNicsPerServer) return err(400, "Ecs.0050");
    if (op.count > 1 && requested.some((ip) => ip !== undefined)) return err(400, "Ecs.0005");
    if (!this.state.vpcIds.includes(op.vpcId)) return err(400, "Ecs.0014");
    const taken = new Map<string, Set<string>>();
    const plans: { networkId: string; ip: string }[][] = [];
    for (let index = 0; index < op.count; index++) {
      const plan: { networkId: string; ip: string }[] = [];
      for (const [i, nic] of op.nics.entries()) {
        const subnet = this.subnet(nic.subnetId);
        if (!subnet) return err(400, "Ecs.0038");
        if (subnet.vpcId !== op.vpcId) return err(400, "Ecs.0014");
        const allocation = this.allocate(subnet, requested[i], taken);
        if ("reason" in allocation) return this.nicAllocationError(allocation.reason);
        plan.push({ networkId: subnet.id, ip: allocation.ip });
      }
      plans.push(plan);
    }
    const serverUids: number[] = [];
    for (const plan of plans) {
      const uid = this.newUid();
      serverUids.push(uid);
      const server: MServer = { uid, vpcId: op.vpcId, status: "BUILD", nics: [] };
      for (const nic of plan) {
        const key = portKey(nic.networkId, nic.ip);
        this.state.ports[key] = this.nicPort(uid, nic.networkId, nic.ip, "BUILD");
        server.nics.push(key);
      }
      this.state.servers.push(server);
    }
    const jobUid = this.newUid();
    this.state.jobs.push({ uid: jobUid, status: "RUNNING", serverUids });
    return ok(200, { serverUids, jobUid });
  }

  /** Polling a running creation job finishes every due creation job (all are due: the build time is 0). */
  private pollJob(jobId: string): Outcome {
    const job = this.state.jobs.find((j) => j.id === jobId);
    if (!job) return err(400, "Common.0011");
    if (job.status === "RUNNING") {
      for (const running of this.state.jobs.filter((j) => j.status === "RUNNING")) {
        for (const uid of running.serverUids) {
          const server = this.serverByUid(uid);
          if (server?.status !== "BUILD") continue;
          server.status = "ACTIVE";
          for (const key of server.nics) {
            const nic = this.state.ports[key];
            if (nic && nic.status !== "ACTIVE") {
              nic.status = "ACTIVE";
              nic.touched = true;
            }
          }
        }
        running.status = "SUCCESS";
      }
    }
    return ok(200);
  }

  private finishedJob(serverUids: number[]): number {
    const uid = this.newUid();
    this.state.jobs.push({ uid, status: "SUCCESS", serverUids });
    return uid;
  }

  private addNic(op: Extract<Op, { kind: "addNic" }>): Outcome {
    const requested = op.ip === "" ? undefined : op.ip;
    if (requested !== undefined && ipToNumber(requested) === undefined) return err(400, "Ecs.0005");
    const server = this.server(op.serverId);
    if (!server) return err(404, "Ecs.0114");
    if (server.status !== "ACTIVE") return err(400, "Ecs.0100");
    if (server.nics.length + 1 > this.limits.maxNicsPerServer) return err(400, "Ecs.0050");
    const subnet = this.subnet(op.subnetId);
    if (!subnet) return err(400, "Ecs.0038");
    if (subnet.vpcId !== server.vpcId) return err(400, "Ecs.0014");
    const allocation = this.allocate(subnet, requested, new Map());
    if ("reason" in allocation) return this.nicAllocationError(allocation.reason);
    const key = portKey(subnet.id, allocation.ip);
    this.state.ports[key] = this.nicPort(server.uid, subnet.id, allocation.ip, "ACTIVE");
    server.nics.push(key);
    return ok(200, { jobUid: this.finishedJob([server.uid]), portKeys: [key] });
  }

  private deleteNic(op: Extract<Op, { kind: "deleteNic" }>): Outcome {
    const server = this.server(op.serverId);
    if (!server) return err(404, "Ecs.0114");
    if (server.status !== "ACTIVE") return err(400, "Ecs.0100");
    const key = server.nics.find((k) => this.state.ports[k]?.id === op.nicId);
    if (key === undefined) return err(400, "Ecs.0085");
    if (key === server.nics[0]) return err(403, "Ecs.0003");
    const nic = this.state.ports[key] as MPort;
    this.detachNic(nic);
    this.deletePortRecord(nic);
    server.nics = server.nics.filter((k) => k !== key);
    return ok(200, { jobUid: this.finishedJob([server.uid]) });
  }

  private deleteServers(ids: string[]): Outcome {
    const servers: MServer[] = [];
    for (const id of new Set(ids)) {
      const server = this.server(id);
      if (!server) return err(404, "Ecs.0114");
      servers.push(server);
    }
    for (const server of servers) {
      for (const key of server.nics) {
        const nic = this.state.ports[key];
        if (!nic) continue;
        this.detachNic(nic);
        this.deletePortRecord(nic);
      }
      this.state.servers = this.state.servers.filter((s) => s !== server);
    }
    return ok(200, { jobUid: this.finishedJob(servers.map((s) => s.uid)) });
  }

  private bind(op: Extract<Op, { kind: "bind" }>): Outcome {
    const unbinding = op.subnetId === "" && op.ip === "";
    if (!unbinding && (op.subnetId === "" || op.ip === "")) return err(400, "Ecs.0005");
    if (!unbinding && ipToNumber(op.ip) === undefined) return err(400, "Ecs.0005");

    const nic = this.portById(op.nicId);
    if (!nic) return err(400, "Ecs.0307");
    if (!isNic(nic.owner)) return err(400, "Ecs.0085");
    const server = this.serverByUid(nic.serverUid);
    if (!server) return err(404, "Ecs.0114");
    if (server.status !== "ACTIVE") return err(400, "Ecs.0100");
    const nicMac = nic.mac ?? "?";
    const vpcId = this.vpcOfNetwork(nic.networkId);

    if (unbinding) {
      const networks = this.networksOfVpc(vpcId);
      const vipIps = new Set(
        Object.values(this.state.ports)
          .filter((p) => networks.has(p.networkId) && isVipCapable(p.owner))
          .map((p) => p.ip),
      );
      this.setPairsOf(
        nic,
        nic.pairs.filter((p) => !vipIps.has(p.ip)),
      );
      this.detachNic(nic);
      return ok(200, { portId: op.nicId });
    }

    const target = this.subnet(op.subnetId);
    if (!target) return err(400, "Ecs.0038");
    if (target.vpcId !== vpcId) return err(400, "Ecs.0014");
    if (!this.isHost(target, op.ip)) return err(400, "Ecs.0039");
    const key = portKey(target.id, op.ip);
    const holder = this.state.ports[key];
    if (holder && !isVipCapable(holder.owner)) return err(400, "Ecs.0010");

    const nicPairs = withPair(nic.pairs, { ip: op.ip, mac: nicMac });
    if (nicPairs.length > this.limits.maxPairs) return err(400, "Ecs.0213");
    const vip: MPort = holder ?? {
      networkId: target.id,
      ip: op.ip,
      owner: VIP_OWNER,
      deviceId: "",
      status: "DOWN",
      pairs: [],
      revision: 0,
    };
    let vipPairs = vip.pairs;
    if (op.reverse === true) {
      vipPairs = withPair(vip.pairs, { ip: nic.ip, mac: nicMac });
      if (vipPairs.length > this.limits.maxPairs) return err(400, "Ecs.0213");
    }
    if (holder) this.setPairsOf(holder, vipPairs);
    else this.state.ports[key] = { ...vip, pairs: vipPairs };
    this.setPairsOf(nic, nicPairs);
    return ok(200, { portId: op.nicId });
  }

  private assignPrivateIps(entries: { subnetId: string; ip?: string }[]): Outcome {
    const requested = entries.map((e) => (e.ip === "" ? undefined : e.ip));
    if (requested.some((ip) => ip !== undefined && ipToNumber(ip) === undefined)) return err(400, "VPC.0705");
    if (entries.length > this.limits.maxPrivateIpsPerRequest) return err(400, "VPC.0705");
    const taken = new Map<string, Set<string>>();
    const planned: MPort[] = [];
    for (const [i, entry] of entries.entries()) {
      const subnet = this.subnet(entry.subnetId);
      if (!subnet) return err(404, "VPC.2204");
      const allocation = this.allocate(subnet, requested[i], taken);
      if ("reason" in allocation) {
        if (allocation.reason === "invalid") return err(400, "VPC.0705");
        if (allocation.reason === "in-use") return err(409, "VPC.0701");
        return err(409, "VPC.0703");
      }
      planned.push({
        networkId: subnet.id,
        ip: allocation.ip,
        owner: "",
        deviceId: "",
        status: "DOWN",
        pairs: [],
        revision: 0,
      });
    }
    for (const port of planned) this.state.ports[portKey(port.networkId, port.ip)] = port;
    return ok(200, { portKeys: planned.map((p) => portKey(p.networkId, p.ip)) });
  }

  private deletePrivateIp(id: string): Outcome {
    const port = this.portById(id);
    if (!port) return err(404, "VPC.0704");
    if (!isVipCapable(port.owner)) return err(409, "VPC.0707");
    if (this.pointingAt(port).length > 0) return err(409, "VPC.0707");
    this.deletePortRecord(port);
    return ok(204);
  }

  private createPort(op: Extract<Op, { kind: "createPort" }>): Outcome {
    const requestedIp = op.fixedIp?.ip;
    if (requestedIp !== undefined && ipToNumber(requestedIp) === undefined) return err(400, "InvalidInput");
    const subnet = this.subnet(op.networkId);
    if (!subnet) return err(404, "NetworkNotFound");
    const fixedSubnet = op.fixedIp?.subnetId;
    if (fixedSubnet !== undefined && fixedSubnet !== subnet.neutronSubnetId) return err(400, "InvalidInput");
    const allocation = this.allocate(subnet, requestedIp, new Map());
    if ("reason" in allocation) {
      if (allocation.reason === "invalid") return err(400, "InvalidIpForSubnet");
      if (allocation.reason === "in-use") return err(409, "IpAddressInUse");
      return err(409, "IpAddressGenerationFailure");
    }
    const key = portKey(subnet.id, allocation.ip);
    this.state.ports[key] = {
      networkId: subnet.id,
      ip: allocation.ip,
      owner: op.owner,
      deviceId: "",
      status: "DOWN",
      pairs: [],
      revision: 0,
    };
    return ok(201, { portKeys: [key] });
  }

  private deletePort(id: string): Outcome {
    const port = this.portById(id);
    if (!port) return err(404, "PortNotFound");
    if (!isVipCapable(port.owner) || port.deviceId !== "" || port.serverUid !== undefined) {
      return err(409, "PortInUse");
    }
    for (const other of this.pointingAt(port)) {
      this.setPairsOf(
        other,
        other.pairs.filter((p) => p.ip !== port.ip),
      );
    }
    this.deletePortRecord(port);
    return ok(204);
  }

  private setPairs(portId: string, pairs: { ip: string; mac?: string }[]): Outcome {
    for (const pair of pairs) {
      if (!isPairAddress(pair.ip)) return err(400, "InvalidInput");
      if (pair.mac !== undefined && !isMacAddress(pair.mac)) return err(400, "InvalidInput");
    }
    const port = this.portById(portId);
    if (!port) return err(404, "PortNotFound");
    let resolved: Pair[] = [];
    for (const pair of pairs)
      resolved = withPair(resolved, { ip: pair.ip, mac: pair.mac?.toLowerCase() ?? port.mac ?? "?" });
    if (resolved.length > this.limits.maxPairs) return err(400, "AllowedAddressPairExhausted");
    this.setPairsOf(port, resolved);
    return ok(200, { pairs: [...port.pairs] });
  }

  /** Only a subnet holding nothing but its own system ports can go, and they go with it. */
  private deleteSubnet(vpcId: string, subnetId: string): Outcome {
    const subnet = this.subnet(subnetId);
    if (!subnet) return err(404, "VPC.0202");
    if (subnet.vpcId !== vpcId) return err(400, "VPC.0207");
    const ports = Object.values(this.state.ports).filter((p) => p.networkId === subnetId);
    const isSystem = (p: MPort) => (p.owner === DHCP_OWNER || p.owner === ROUTER_OWNER) && p.deviceId === subnetId;
    if (ports.some((p) => isNic(p.owner))) return err(409, "VPC.0209");
    if (!ports.every(isSystem)) return err(409, "VPC.0208");
    for (const port of ports) this.deletePortRecord(port);
    subnet.gone = true;
    return ok(204);
  }

  private deleteVpc(vpcId: string): Outcome {
    if (!this.state.vpcIds.includes(vpcId)) return err(404, "VPC.0003");
    if (this.networksOfVpc(vpcId).size > 0) return err(409, "VPC.0104");
    this.state.vpcIds = this.state.vpcIds.filter((id) => id !== vpcId);
    return ok(204);
  }
}

function samePair(a: Pair, b: Pair): boolean {
  return a.ip === b.ip && a.mac === b.mac;
}

/** Pairs are a set kept in insertion order. */
function withPair(pairs: Pair[], pair: Pair): Pair[] {
  return pairs.some((p) => samePair(p, pair)) ? pairs : [...pairs, pair];
}
