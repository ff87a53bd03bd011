/**
 * fast-check commands: each holds abstract picks (indexes, offsets, flags) that are resolved against the model when
 * the command runs, so shrinking keeps sequences meaningful and every pick names something (or something bogus).
 */
import fc from "fast-check";
import type { InjectApp } from "../support/inject-app.js";
import { type CloudModel, type MPort, type MSubnet, type Op, VIP_OWNER } from "./cloud-model.js";
import { numberToIp } from "./net.js";
import {
  compareForeign,
  compareServers,
  compareState,
  type ForeignIds,
  perform,
  type Transport,
  type World,
} from "./runner.js";

export interface Real {
  app: InjectApp;
  world: World;
  goneServerIds: string[];
  /** Compare the whole port list with the model after every command (otherwise only at the end). */
  checkEveryStep: boolean;
}

export type Cmd = fc.AsyncCommand<CloudModel, Real>;

export const BOGUS_ID = "00000000-0000-4000-8000-000000000000";

/** Requests that named another project's resources (each must have behaved as if they did not exist). */
export const modelStats = { foreignRequests: 0 };
const BOGUS_JOB = "ff00ff00ff00ff00ff00ff00ff00ff00";

// ---- picks

/**
 * 0–2: the subnets S1, S2 (VPC A) and S3 (VPC B); 3: an id that exists nowhere; 4: S1's Neutron subnet id; 5: a
 * subnet of another project (the same addresses as S1) — which must look exactly like one that exists nowhere.
 */
export type SubnetPick = number;
export const subnetPick = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.constant(2) },
  { weight: 1, arbitrary: fc.constantFrom(3, 4, 5) },
);

function subnetIdOf(world: World, pick: SubnetPick): string {
  if (pick === 3) return BOGUS_ID;
  if (pick === 5) return world.foreign?.subnetId ?? BOGUS_ID;
  if (pick === 4) return world.subnets[0]?.neutronSubnetId ?? BOGUS_ID;
  return world.subnets[pick]?.id ?? BOGUS_ID;
}

function subnetBase(model: CloudModel, pick: SubnetPick): MSubnet {
  return (model.state.subnets[pick] ?? model.state.subnets[0]) as MSubnet;
}

export type IpChoice =
  | { t: "auto" }
  | { t: "offset"; n: number }
  | { t: "existing"; pick: number }
  | { t: "raw"; text: string };

export const MALFORMED_IPS = [
  "192.168.0.256",
  "192.168.000.7",
  "192.168.0.07",
  "::1",
  " 192.168.0.7",
  "192.168.0.7 ",
  "192.168.0.7/32",
  "192.168.0",
  "1.2.3.4.5",
  "",
  "abc",
  "+1.2.3.4",
];

export const ipChoice: fc.Arbitrary<IpChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<IpChoice>({ t: "auto" }) },
  { weight: 8, arbitrary: fc.integer({ min: 2, max: 12 }).map((n): IpChoice => ({ t: "offset", n })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 17 }).map((n): IpChoice => ({ t: "offset", n })) },
  { weight: 3, arbitrary: fc.nat(40).map((pick): IpChoice => ({ t: "existing", pick })) },
  { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_IPS).map((text): IpChoice => ({ t: "raw", text })) },
);

/** Ports in a run-independent order (subnet position, then address), so a replay picks the same ones. */
export function sortedPorts(model: CloudModel, filter: (port: MPort) => boolean = () => true): MPort[] {
  const position = (port: MPort) => model.state.subnets.findIndex((s) => s.id === port.networkId);
  const address = (port: MPort) => port.ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return Object.values(model.state.ports)
    .filter(filter)
    .sort((a, b) => position(a) - position(b) || address(a) - address(b));
}

function resolveIp(model: CloudModel, choice: IpChoice, base: MSubnet, auto: "omit" | "offset"): string | undefined {
  switch (choice.t) {
    case "auto":
      return auto === "omit" ? undefined : numberToIp(base.network + 5);
    case "offset":
      return numberToIp(base.network + choice.n);
    case "existing": {
      const ports = sortedPorts(model);
      return ports[choice.pick % ports.length]?.ip;
    }
    case "raw":
      return choice.text;
  }
}

export function pickFrom<T>(items: T[], pick: number, bogusEvery = 0): T | undefined {
  if (items.length === 0) return undefined;
  if (bogusEvery > 0 && pick % bogusEvery === bogusEvery - 1) return undefined;
  return items[pick % items.length];
}

export const isNicPort = (port: MPort) => port.owner.startsWith("compute:");
export const isVipCapable = (port: MPort) => port.owner === "" || port.owner === VIP_OWNER;

/** An id the caller cannot see: one that exists nowhere, or (every other time) another project's. */
function absent(real: Real, kind: keyof ForeignIds, salt: number): string {
  return real.world.foreign && salt % 2 === 0 ? real.world.foreign[kind] : BOGUS_ID;
}

function serverIdOf(model: CloudModel, real: Real, pick: number): string {
  const ids = model.state.servers.map((s) => s.id).filter((id): id is string => id !== undefined);
  return pickFrom(ids, pick, 9) ?? absent(real, "serverId", pick);
}

/** A NIC mostly; now and then any port, or an id that exists nowhere. */
function nicIdOf(model: CloudModel, real: Real, pick: number, mode: number): string {
  const pool = mode === 0 ? sortedPorts(model) : sortedPorts(model, isNicPort);
  if (mode === 1 && pick % 13 === 12) return absent(real, "nicId", pick);
  return pickFrom(pool, pick)?.id ?? absent(real, "nicId", pick);
}

function vipIdOf(model: CloudModel, real: Real, pick: number, anyPort: boolean): string {
  const pool = anyPort ? sortedPorts(model) : sortedPorts(model, isVipCapable);
  return pickFrom(pool, pick, 11)?.id ?? absent(real, pick % 4 < 2 ? "vipPortId" : "privateIpId", pick);
}

// ---- the command base: resolve, perform, compare

abstract class ModelCommand implements Cmd {
  protected last: Op | undefined;

  check(): true {
    return true;
  }

  abstract resolve(model: CloudModel, real: Real): Op;

  protected transport(): Transport {
    return "inject";
  }

  async run(model: CloudModel, real: Real): Promise<void> {
    const op = this.resolve(model, real);
    this.last = op;
    if (real.world.foreign) {
      const text = JSON.stringify(op);
      const { snapshot: _, ...ids } = real.world.foreign;
      if (Object.values(ids).some((id) => text.includes(id))) modelStats.foreignRequests++;
    }
    await perform(real.app, model, op, this.transport());
    if (op.kind === "deleteServers") await this.noteGone(model, real, op.serverIds);
    await this.after(model, real, op);
    if (real.checkEveryStep) await compareState(real.app, model, this.toString());
  }

  protected async after(_model: CloudModel, _real: Real, _op: Op): Promise<void> {}

  private async noteGone(model: CloudModel, real: Real, ids: string[]): Promise<void> {
    const live = new Set(model.state.servers.map((s) => s.id));
    for (const id of ids) if (!live.has(id) && id !== BOGUS_ID) real.goneServerIds.push(id);
  }

  abstract describe(): string;

  toString(): string {
    return `${this.describe()}${this.last ? ` /* ${JSON.stringify(this.last)} */` : ""}`;
  }
}

export class CreateServers extends ModelCommand {
  constructor(
    readonly vpc: number,
    readonly nics: { subnet: SubnetPick; ip: IpChoice }[],
    readonly count: number,
    readonly wait: boolean,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const vpcId =
      [real.world.vpcA, real.world.vpcA, real.world.vpcA, real.world.vpcB, BOGUS_ID][this.vpc] ??
      absent(real, "vpcId", 0);
    return {
      kind: "createServers",
      vpcId,
      count: this.count,
      nics: this.nics.map((nic) => ({
        subnetId: subnetIdOf(real.world, nic.subnet),
        ip: resolveIp(model, nic.ip, subnetBase(model, nic.subnet), "omit"),
      })),
    };
  }
  protected override async after(model: CloudModel, real: Real, op: Op): Promise<void> {
    if (!this.wait || op.kind !== "createServers") return;
    const job = model.state.jobs.at(-1);
    if (job?.status === "RUNNING" && job.id) await perform(real.app, model, { kind: "pollJob", jobId: job.id });
  }
  describe() {
    return `CreateServers(${this.vpc}, ${JSON.stringify(this.nics)}, ${this.count}, ${this.wait})`;
  }
}

export class PollJob extends ModelCommand {
  constructor(readonly pick: number) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const ids = model.state.jobs.map((j) => j.id).filter((id): id is string => id !== undefined);
    return {
      kind: "pollJob",
      jobId:
        pickFrom(ids.reverse(), this.pick, 7) ??
        (real.world.foreign && this.pick % 2 ? real.world.foreign.jobId : BOGUS_JOB),
    };
  }
  describe() {
    return `PollJob(${this.pick})`;
  }
}

export class AddNic extends ModelCommand {
  constructor(
    readonly server: number,
    readonly subnet: SubnetPick,
    readonly ip: IpChoice,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return {
      kind: "addNic",
      serverId: serverIdOf(model, real, this.server),
      subnetId: subnetIdOf(real.world, this.subnet),
      ip: resolveIp(model, this.ip, subnetBase(model, this.subnet), "omit"),
    };
  }
  describe() {
    return `AddNic(${this.server}, ${this.subnet}, ${JSON.stringify(this.ip)})`;
  }
}

export class DeleteNic extends ModelCommand {
  constructor(
    readonly server: number,
    readonly nic: number,
    readonly foreign: boolean,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const serverId = serverIdOf(model, real, this.server);
    const server = model.server(serverId);
    const own = (server?.nics ?? []).map((key) => model.state.ports[key]?.id).filter((id) => id !== undefined);
    // Mostly a secondary NIC (the primary one cannot go), now and then the primary or someone else's port.
    const secondary = this.nic % 5 === 0 ? own : own.slice(1);
    const nicId = this.foreign
      ? nicIdOf(model, real, this.nic, 0)
      : (pickFrom(secondary, this.nic) ?? own[0] ?? BOGUS_ID);
    return { kind: "deleteNic", serverId, nicId };
  }
  describe() {
    return `DeleteNic(${this.server}, ${this.nic}, ${this.foreign})`;
  }
}

export class DeleteServers extends ModelCommand {
  constructor(readonly picks: number[]) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return { kind: "deleteServers", serverIds: this.picks.map((pick) => serverIdOf(model, real, pick)) };
  }
  describe() {
    return `DeleteServers(${JSON.stringify(this.picks)})`;
  }
}

export class Bind extends ModelCommand {
  constructor(
    readonly nic: number,
    readonly nicMode: number,
    readonly subnet: SubnetPick,
    readonly ip: IpChoice,
    readonly reverse: boolean | undefined,
    readonly via: Transport = "inject",
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const op: Op = {
      kind: "bind",
      nicId: nicIdOf(model, real, this.nic, this.nicMode),
      subnetId: subnetIdOf(real.world, this.subnet),
      ip: resolveIp(model, this.ip, subnetBase(model, this.subnet), "offset") ?? "",
    };
    if (this.reverse !== undefined) op.reverse = this.reverse;
    return op;
  }
  protected override transport(): Transport {
    return this.via;
  }
  describe() {
    return `Bind(${this.nic}, ${this.nicMode}, ${this.subnet}, ${JSON.stringify(this.ip)}, ${this.reverse})`;
  }
}

export class Unbind extends ModelCommand {
  constructor(
    readonly nic: number,
    readonly nicMode: number,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return { kind: "unbind", nicId: nicIdOf(model, real, this.nic, this.nicMode) };
  }
  describe() {
    return `Unbind(${this.nic}, ${this.nicMode})`;
  }
}

export class AssignPrivateIps extends ModelCommand {
  constructor(readonly entries: { subnet: SubnetPick; ip: IpChoice }[]) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return {
      kind: "assignPrivateIps",
      entries: this.entries.map((entry) => ({
        subnetId: subnetIdOf(real.world, entry.subnet),
        ip: resolveIp(model, entry.ip, subnetBase(model, entry.subnet), "omit"),
      })),
    };
  }
  describe() {
    return `AssignPrivateIps(${JSON.stringify(this.entries)})`;
  }
}

export class CreatePort extends ModelCommand {
  constructor(
    readonly subnet: SubnetPick,
    readonly ip: IpChoice | undefined,
    readonly fixedSubnet: "none" | "right" | "wrong",
    readonly vip: boolean,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const base = subnetBase(model, this.subnet);
    const ip = this.ip === undefined ? undefined : resolveIp(model, this.ip, base, "omit");
    const subnetId =
      this.fixedSubnet === "none"
        ? undefined
        : this.fixedSubnet === "right"
          ? (real.world.subnets[this.subnet]?.neutronSubnetId ?? BOGUS_ID)
          : (real.world.subnets[1]?.neutronSubnetId ?? BOGUS_ID);
    const fixed = ip === undefined && subnetId === undefined ? undefined : { ip, subnetId };
    const op: Op = {
      kind: "createPort",
      networkId: subnetIdOf(real.world, this.subnet),
      owner: this.vip ? VIP_OWNER : "",
    };
    if (fixed) {
      op.fixedIp = {};
      if (fixed.ip !== undefined) op.fixedIp.ip = fixed.ip;
      if (fixed.subnetId !== undefined) op.fixedIp.subnetId = fixed.subnetId;
    }
    return op;
  }
  describe() {
    return `CreatePort(${this.subnet}, ${JSON.stringify(this.ip)}, ${this.fixedSubnet}, ${this.vip})`;
  }
}

export class DeletePrivateIp extends ModelCommand {
  constructor(
    readonly pick: number,
    readonly anyPort: boolean,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return { kind: "deletePrivateIp", id: vipIdOf(model, real, this.pick, this.anyPort) };
  }
  describe() {
    return `DeletePrivateIp(${this.pick}, ${this.anyPort})`;
  }
}

export class DeletePort extends ModelCommand {
  constructor(
    readonly pick: number,
    readonly anyPort: boolean,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    return { kind: "deletePort", id: vipIdOf(model, real, this.pick, this.anyPort) };
  }
  describe() {
    return `DeletePort(${this.pick}, ${this.anyPort})`;
  }
}

export type PairChoice = {
  ip: IpChoice | { t: "block"; text: string };
  /** "nic": the pair is exactly some NIC's own IP and MAC, as reverse binding writes it (on any port, any VPC). */
  mac: "omit" | "own" | "upper" | "other" | "bad" | "nic";
};

export const pairChoice: fc.Arbitrary<PairChoice> = fc.record({
  ip: fc.oneof(
    { weight: 5, arbitrary: ipChoice },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          "192.168.0.0/28",
          "10.9.0.0/16",
          "192.168.0.1/28",
          "0.0.0.0/0",
          "192.168.0.7/32",
          "10.0.0.0/08",
          "1.1.1.1/0",
          "2.2.2.2/0",
        )
        .map((text) => ({ t: "block" as const, text })),
    },
  ),
  mac: fc.constantFrom("omit", "own", "upper", "other", "bad", "nic", "nic"),
});

export class SetPairs extends ModelCommand {
  constructor(
    readonly port: number,
    readonly nicOnly: boolean,
    readonly pairs: PairChoice[],
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const target = pickFrom(
      this.nicOnly ? sortedPorts(model, isNicPort) : sortedPorts(model),
      this.port,
      this.nicOnly ? 0 : 15,
    );
    const base = model.state.subnets[0] as MSubnet;
    return {
      kind: "setPairs",
      portId: target?.id ?? absent(real, "nicId", this.port),
      pairs: this.pairs.map((pair) => {
        if (pair.mac === "nic") {
          const nics = sortedPorts(model, isNicPort);
          const nic = pickFrom(nics, pair.ip.t === "existing" ? pair.ip.pick : 0);
          if (nic) return { ip: nic.ip, mac: nic.mac ?? "fa:16:3e:00:00:02" };
        }
        const ip = pair.ip.t === "block" ? pair.ip.text : (resolveIp(model, pair.ip, base, "offset") ?? "");
        const own = target?.mac ?? "fa:16:3e:00:00:01";
        const mac = {
          omit: undefined,
          own,
          nic: undefined,
          upper: own.toUpperCase(),
          other: "fa:16:3e:aa:bb:cc",
          bad: "fa:16:3e:zz",
        }[pair.mac];
        return mac === undefined ? { ip } : { ip, mac };
      }),
    };
  }
  describe() {
    return `SetPairs(${this.port}, ${this.nicOnly}, ${JSON.stringify(this.pairs)})`;
  }
}

export class DeleteSubnet extends ModelCommand {
  constructor(
    readonly subnet: SubnetPick,
    readonly vpc: number,
  ) {
    super();
  }
  resolve(model: CloudModel, real: Real): Op {
    const own = model.state.subnets[this.subnet]?.vpcId;
    const vpcId = [own ?? BOGUS_ID, own ?? BOGUS_ID, real.world.vpcA, real.world.vpcB][this.vpc] ?? BOGUS_ID;
    return { kind: "deleteSubnet", vpcId, subnetId: subnetIdOf(real.world, this.subnet) };
  }
  describe() {
    return `DeleteSubnet(${this.subnet}, ${this.vpc})`;
  }
}

export class DeleteVpc extends ModelCommand {
  constructor(readonly vpc: number) {
    super();
  }
  resolve(_model: CloudModel, real: Real): Op {
    return {
      kind: "deleteVpc",
      vpcId: [real.world.vpcA, real.world.vpcB, BOGUS_ID][this.vpc] ?? absent(real, "vpcId", 0),
    };
  }
  describe() {
    return `DeleteVpc(${this.vpc})`;
  }
}

/** Checks the servers (status, NIC order) and the whole port list; used at the end of every sequence. */
export async function finalCheck(model: CloudModel, real: Real): Promise<void> {
  await compareState(real.app, model, "the last command");
  await compareServers(real.app, model, real.goneServerIds);
  await compareForeign(real.app, real.world);
}

// ---- arbitraries

const nicSpec = fc.record({ subnet: subnetPick, ip: ipChoice });

const weighted = (weight: number, arbitrary: fc.Arbitrary<Cmd>) => Array.from({ length: weight }, () => arbitrary);

const createServers = fc
  .tuple(fc.nat(5), fc.array(nicSpec, { minLength: 1, maxLength: 2 }), fc.constantFrom(1, 1, 1, 2), fc.boolean())
  .map(([vpc, nics, count, wait]) => new CreateServers(vpc, nics, count, wait));
const createActiveServer = fc
  .tuple(fc.noBias(fc.constantFrom(0, 0, 3)), fc.noBias(fc.constantFrom(0, 0, 0, 1, 2)))
  .map(([vpc, subnet]) => new CreateServers(vpc, [{ subnet, ip: { t: "auto" } }], 1, true));
const nicPick = fc.oneof(fc.constant(0), fc.constant(1), fc.nat(30));
const bind = fc
  .tuple(nicPick, fc.constantFrom(1, 1, 1, 1, 1, 1, 0), subnetPick, ipChoice, fc.constantFrom(true, false, undefined))
  .map(([nic, mode, subnet, ip, reverse]) => new Bind(nic, mode, subnet, ip, reverse));

export const sequentialCommands: fc.Arbitrary<Cmd>[] = [
  ...weighted(1, createServers),
  ...weighted(3, createActiveServer),
  fc.nat(20).map((pick) => new PollJob(pick)),
  ...weighted(
    2,
    fc.tuple(fc.nat(20), subnetPick, ipChoice).map(([server, subnet, ip]) => new AddNic(server, subnet, ip)),
  ),
  ...weighted(
    2,
    fc.tuple(fc.nat(20), fc.nat(20), fc.boolean()).map(([server, nic, foreign]) => new DeleteNic(server, nic, foreign)),
  ),
  fc.array(fc.nat(20), { minLength: 1, maxLength: 2 }).map((picks) => new DeleteServers(picks)),
  ...weighted(6, bind),
  ...weighted(
    2,
    fc.tuple(nicPick, fc.constantFrom(1, 1, 1, 0)).map(([nic, mode]) => new Unbind(nic, mode)),
  ),
  fc
    .tuple(fc.constantFrom(0, 0, 1, 2), fc.noBias(fc.integer({ min: 4, max: 12 })))
    .map(([subnet, n]) => new AssignPrivateIps(Array.from({ length: n }, () => ({ subnet, ip: { t: "auto" } })))),
  ...weighted(
    2,
    fc
      .array(fc.record({ subnet: subnetPick, ip: ipChoice }), { minLength: 1, maxLength: 3 })
      .map((entries) => new AssignPrivateIps(entries)),
  ),
  fc
    .tuple(subnetPick, fc.option(ipChoice), fc.constantFrom("none", "right", "wrong"), fc.boolean())
    .map(([subnet, ip, fixedSubnet, vip]) => new CreatePort(subnet, ip ?? undefined, fixedSubnet, vip)),
  fc.tuple(fc.nat(30), fc.boolean()).map(([pick, any]) => new DeletePrivateIp(pick, any && pick % 3 === 0)),
  fc.tuple(fc.nat(30), fc.boolean()).map(([pick, any]) => new DeletePort(pick, any && pick % 3 === 0)),
  fc
    .tuple(fc.nat(30), fc.boolean(), fc.array(pairChoice, { maxLength: 3 }))
    .map(([port, nicOnly, pairs]) => new SetPairs(port, nicOnly, pairs)),
  fc
    .tuple(fc.nat(1), subnetPick, fc.nat(3))
    .map(([skip, subnet, vpc]) => (skip === 0 ? new DeleteSubnet(subnet, vpc) : new DeleteVpc(subnet % 4))),
];
