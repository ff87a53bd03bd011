import { expect } from "vitest";
import type { ApiClient } from "../support/client.js";

/** One request of the load and what came of it (times from Date.now()). */
export interface Outcome {
  kind: "bind" | "unbind";
  vip?: string;
  /** HTTP status, or 0 when no answer came at all (the connection broke: the server is gone). */
  status: number;
  body: unknown;
  retryAfter: string | null;
  started: number;
  ended: number;
  error?: string;
}

/** Fresh VIP addresses of 10.0.0.0/20, above the NICs' own (which come from the bottom of the subnet). */
export function* vipAddresses(): Generator<string> {
  for (let third = 4; third < 16; third++) for (let fourth = 1; fourth < 255; fourth++) yield `10.0.${third}.${fourth}`;
}

/**
 * Binds under load, as a fleet's clients would send them: each worker owns a NIC and binds fresh VIP addresses to
 * it one after the other, unbinding after each bind (until the unbind succeeds) so the NIC never runs out of pairs.
 * A bind that answered 200 left a VIP port holding its address: proof its transaction committed, whatever came after.
 */
export class BindLoad {
  readonly outcomes: Outcome[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly api: ApiClient,
    private readonly subnetId: string,
    private readonly nicIds: readonly string[],
    private readonly addresses: Iterator<string> = vipAddresses(),
    /** Pause between a worker's requests: after a success, and (shorter than Retry-After, to see recovery) a failure. */
    private readonly paceMs = { ok: 20, failed: 100 },
  ) {}

  start(): void {
    this.running = true;
    this.workers = this.nicIds.map((nicId) => this.work(nicId));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** The addresses of binds answered 200. */
  get acknowledgedBinds(): string[] {
    return this.outcomes.filter((each) => each.kind === "bind" && each.status === 200).map((each) => each.vip ?? "");
  }

  get failed(): Outcome[] {
    return this.outcomes.filter((each) => each.status !== 200);
  }

  /** The first bind answered 200 that was sent at or after `time`. */
  firstBindSentAfter(time: number): Outcome | undefined {
    return this.outcomes
      .filter((each) => each.kind === "bind" && each.status === 200 && each.started >= time)
      .sort((a, b) => a.ended - b.ended)[0];
  }

  /** The longest any request stayed open, in ms. */
  get longestMs(): number {
    return Math.max(0, ...this.outcomes.map((each) => each.ended - each.started));
  }

  /** Resolves once a bind sent after `time` has succeeded (the caller bounds the wait). */
  async bindSucceededAfter(time: number, timeoutMs: number): Promise<Outcome> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const first = this.firstBindSentAfter(time);
      if (first) return first;
      if (Date.now() > until) throw new Error(`no successful bind within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async work(nicId: string): Promise<void> {
    const path = this.api.p(`/cloudservers/nics/${nicId}`);
    while (this.running) {
      const next = this.addresses.next();
      if (next.done) throw new Error("out of VIP addresses");
      const vip = next.value;
      const bind = await this.send("bind", path, { nic: { subnet_id: this.subnetId, ip_address: vip } }, vip);
      await this.pause(bind);
      // A failed bind may still have committed: unbind either way, so pairs never pile up.
      for (;;) {
        const unbind = await this.send("unbind", path, { nic: { subnet_id: "", ip_address: "" } });
        await this.pause(unbind);
        if (unbind.status === 200 || !this.running) break;
      }
    }
  }

  private async pause(outcome: Outcome): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, outcome.status === 200 ? this.paceMs.ok : this.paceMs.failed));
  }

  private async send(kind: Outcome["kind"], path: string, body: unknown, vip?: string): Promise<Outcome> {
    const started = Date.now();
    let outcome: Outcome;
    try {
      const response = await this.api.call("PUT", path, body);
      outcome = {
        kind,
        vip,
        status: response.status,
        body: response.body,
        retryAfter: response.headers.get("retry-after"),
        started,
        ended: Date.now(),
      };
    } catch (error) {
      outcome = { kind, vip, status: 0, body: undefined, retryAfter: null, started, ended: Date.now() };
      outcome.error = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
    }
    this.outcomes.push(outcome);
    return outcome;
  }
}

/** Every failed request was answered (no broken connection) in ECS's envelope: 503 `Common.1503` with Retry-After. */
export function expectCloudUnavailable(failed: readonly Outcome[]): void {
  for (const outcome of failed) {
    expect(outcome, JSON.stringify(outcome)).toMatchObject({
      status: 503,
      retryAfter: "1",
      body: { error: { code: "Common.1503", message: expect.any(String) } },
    });
  }
}

/** Counts by status, e.g. `{ "200": 812, "503": 40 }`. */
export function statusCounts(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[String(outcome.status)] = (counts[String(outcome.status)] ?? 0) + 1;
  return counts;
}
