/**
 * The concurrent variant: a batch of requests is sent at once (Promise.all, in-process or over real sockets, each
 * after a generated number of event-loop turns), and the answers plus the resulting state must be those of at least
 * one serial order of the batch, as the model computes it for every permutation.
 */
import fc from "fast-check";
import type { CloudModel, MSubnet, Op, Outcome } from "./cloud-model.js";
import {
  AddNic,
  Bind,
  BOGUS_ID,
  type Cmd,
  CreateServers,
  isNicPort,
  isVipCapable,
  pickFrom,
  type Real,
  sortedPorts,
} from "./commands.js";
import { numberToIp } from "./net.js";
import {
  checkSuccessBody,
  learnPorts,
  listPorts,
  ModelMismatch,
  observedKey,
  observedOutcome,
  sameOutcome,
  send,
  stateDifferences,
  type Transport,
  tally,
} from "./runner.js";

/** One request of a batch, as picks into a deliberately small pool so that the requests collide. */
export type SubOp =
  | { t: "bind"; nic: number; vip: number; reverse: boolean }
  | { t: "unbind"; nic: number }
  | { t: "deleteNic"; server: number }
  | { t: "deletePort"; vip: number; v1: boolean }
  | { t: "assign"; vip: number }
  | { t: "addNic"; server: number }
  | { t: "setPairs"; nic: number; vips: number[] };

/** Shared VIP addresses: S1 .6–.9 and S2 .18–.19 (offsets 2–3). */
function vipAddress(model: CloudModel, pick: number): { subnet: MSubnet; ip: string } {
  const [s1, s2] = model.state.subnets as [MSubnet, MSubnet];
  const pool = [
    [s1, 6],
    [s1, 7],
    [s1, 8],
    [s1, 9],
    [s2, 2],
    [s2, 3],
  ] as const;
  const [subnet, offset] = pool[pick % pool.length] as (typeof pool)[number];
  return { subnet, ip: numberToIp(subnet.network + offset) };
}

function resolveSub(model: CloudModel, sub: SubOp): Op {
  const nics = sortedPorts(model, isNicPort);
  const nicId = (pick: number) => pickFrom(nics, pick)?.id ?? BOGUS_ID;
  const serverId = (pick: number) => pickFrom(model.state.servers, pick)?.id ?? BOGUS_ID;
  switch (sub.t) {
    case "bind": {
      const { subnet, ip } = vipAddress(model, sub.vip);
      return { kind: "bind", nicId: nicId(sub.nic), subnetId: subnet.id, ip, reverse: sub.reverse };
    }
    case "unbind":
      return { kind: "unbind", nicId: nicId(sub.nic) };
    case "deleteNic": {
      const server = pickFrom(model.state.servers, sub.server);
      const secondary = server?.nics[1] ?? server?.nics[0];
      return {
        kind: "deleteNic",
        serverId: server?.id ?? BOGUS_ID,
        nicId: (secondary && model.state.ports[secondary]?.id) || BOGUS_ID,
      };
    }
    case "deletePort": {
      const { subnet, ip } = vipAddress(model, sub.vip);
      const port = sortedPorts(model, (p) => isVipCapable(p) && p.networkId === subnet.id && p.ip === ip)[0];
      const id = port?.id ?? BOGUS_ID;
      return sub.v1 ? { kind: "deletePrivateIp", id } : { kind: "deletePort", id };
    }
    case "assign": {
      const { subnet, ip } = vipAddress(model, sub.vip);
      return { kind: "assignPrivateIps", entries: [{ subnetId: subnet.id, ip }] };
    }
    case "addNic":
      return { kind: "addNic", serverId: serverId(sub.server), subnetId: model.state.subnets[0]?.id ?? BOGUS_ID };
    case "setPairs":
      return {
        kind: "setPairs",
        portId: nicId(sub.nic),
        pairs: sub.vips.map((pick) => ({ ip: vipAddress(model, pick).ip })),
      };
  }
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const result: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let i = 0; i <= rest.length; i++) result.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  }
  return result;
}

/** Each known server's NICs as port keys, in the order the real server lists them. */
async function observedNicOrders(app: Real["app"], model: CloudModel, ports: any[]): Promise<Map<string, string[]>> {
  const keyById = new Map(ports.map((port) => [port.id as string, observedKey(port)]));
  const orders = new Map<string, string[]>();
  for (const server of model.state.servers) {
    if (server.id === undefined) continue;
    const nics = await app.call("GET", `/v1/${app.projectId}/cloudservers/${server.id}/os-interface`);
    if (nics.status !== 200) continue;
    orders.set(
      server.id,
      nics.body.interfaceAttachments.map((nic: any) => keyById.get(nic.port_id) ?? nic.port_id),
    );
  }
  return orders;
}

function nicOrderDifferences(candidate: CloudModel, orders: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const server of candidate.state.servers) {
    const observed = server.id === undefined ? undefined : orders.get(server.id);
    if (observed && JSON.stringify(observed) !== JSON.stringify(server.nics)) {
      problems.push(`server ${server.id} NICs ${JSON.stringify(observed)}, model ${JSON.stringify(server.nics)}`);
    }
  }
  return problems;
}

/** How many batches ran, and how many only a serial order other than the sending order explains. */
export const batchStats = { batches: 0, explainedOnlyOutOfOrder: 0, ordersRejectedOnlyForNicOrder: 0 };

const turns = (n: number) =>
  new Promise<void>((resolve) => (n <= 0 ? resolve() : setImmediate(() => turns(n - 1).then(resolve))));

export class Batch implements Cmd {
  private ops: Op[] = [];
  private seen = "";

  constructor(
    readonly subs: { sub: SubOp; delay: number }[],
    readonly transport: Transport,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: CloudModel, real: Real): Promise<void> {
    this.ops = this.subs.map(({ sub }) => resolveSub(model, sub));
    const responses = await Promise.all(
      this.ops.map(async (op, i) => {
        await turns(this.subs[i]?.delay ?? 0);
        return send(real.app, op, this.transport);
      }),
    );
    const observed = responses.map((response, i) => observedOutcome(this.ops[i] as Op, response));
    this.seen = observed.map((o) => `${o.status}${o.code ? ` ${o.code}` : ""}`).join(", ");
    const ports = await listPorts(real.app);
    const nicOrders = await observedNicOrders(real.app, model, ports);

    const tried: string[] = [];
    // The sending order first: batches it does not explain are the ones that really interleaved.
    const isSendingOrder = (order: number[]) => order.every((index, position) => index === position);
    const orders = permutations(this.ops.length).sort((a, b) => Number(isSendingOrder(b)) - Number(isSendingOrder(a)));
    for (const order of orders) {
      const candidate = model.clone();
      const predicted: Outcome[] = [];
      for (const index of order) predicted[index] = candidate.apply(this.ops[index] as Op);
      const label = `order ${order.join("")}: ${predicted.map((o) => `${o.status}${o.code ? ` ${o.code}` : ""}`).join(", ")}`;
      if (!observed.every((o, i) => sameOutcome(o, predicted[i] as Outcome))) {
        tried.push(label);
        continue;
      }
      try {
        for (const [i, response] of responses.entries()) {
          if (response.status < 400) checkSuccessBody(candidate, this.ops[i] as Op, predicted[i] as Outcome, response);
        }
      } catch (error) {
        tried.push(`${label} (body: ${(error as Error).message})`);
        continue;
      }
      // Two orders can leave the same ports yet give a server its NICs in another order: the order must match too.
      const portProblems = stateDifferences(candidate, ports);
      const problems = [...portProblems, ...nicOrderDifferences(candidate, nicOrders)];
      if (portProblems.length === 0 && problems.length > 0) batchStats.ordersRejectedOnlyForNicOrder++;
      if (problems.length > 0) {
        tried.push(`${label} (state: ${problems.join("; ")})`);
        continue;
      }
      // This serial order explains everything: it becomes the model's history.
      batchStats.batches++;
      if (!isSendingOrder(order)) batchStats.explainedOnlyOutOfOrder++;
      Object.assign(model.state, candidate.state);
      learnPorts(model, ports);
      for (const [i, op] of this.ops.entries()) tally(op, observed[i] as Outcome);
      return;
    }
    throw new ModelMismatch(
      `no serial order of ${this.toString()} explains answers [${this.seen}] and the state:\n  ${tried.join("\n  ")}`,
    );
  }

  toString(): string {
    const ops = this.ops.length > 0 ? ` /* ${JSON.stringify(this.ops)} → [${this.seen}] */` : "";
    return `Batch(${JSON.stringify(this.subs)}, ${this.transport})${ops}`;
  }
}

const pick6 = fc.nat(5);
const nic = fc.oneof(fc.constant(0), fc.constant(1), fc.nat(5));
export const subOp: fc.Arbitrary<SubOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("bind" as const), nic, vip: pick6, reverse: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("unbind" as const), nic }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("deleteNic" as const), server: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("deletePort" as const), vip: pick6, v1: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("assign" as const), vip: pick6 }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("addNic" as const), server: fc.nat(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("setPairs" as const), nic, vips: fc.array(pick6, { maxLength: 2 }) }),
  },
);

export const batch: fc.Arbitrary<Cmd> = fc
  .tuple(
    fc.array(fc.record({ sub: subOp, delay: fc.nat(3) }), { minLength: 2, maxLength: 4 }),
    fc.constantFrom<Transport>("inject", "inject", "http"),
  )
  .map(([subs, transport]) => new Batch(subs, transport));

/** Mostly colliding batches, with some serial binds, NIC additions and new servers between them. */
export const concurrentCommands: fc.Arbitrary<Cmd>[] = [
  batch,
  batch,
  batch,
  batch,
  batch,
  fc
    .tuple(fc.nat(5), fc.nat(11), fc.boolean())
    .map(([nic, offset, reverse]) => new Bind(nic, 1, 0, { t: "offset", n: 2 + offset }, reverse)),
  fc.nat(3).map((server) => new AddNic(server, 0, { t: "auto" })),
  fc.constant(new CreateServers(0, [{ subnet: 0, ip: { t: "auto" } }], 1, true)),
];
