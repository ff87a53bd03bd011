import { randomUUID } from "node:crypto";
import type { AuditFilter, AuditRecord } from "../../domain/audit.js";
import type { UseCaseContext } from "../context.js";

const PRUNE_EVERY = 1000;

/**
 * Writes audit records in batches (one transaction per turn of the event loop, not one per request) and keeps the
 * trail bounded by age: every thousand records, those older than the retention are deleted.
 */
export class AuditTrail {
  private pending: AuditRecord[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private written = 0;

  constructor(
    private readonly context: UseCaseContext,
    private readonly retentionDays: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(record: Omit<AuditRecord, "id" | "time">): void {
    const time = this.context.now().toISOString();
    // 12 random hex digits as before (a UUID's first 12 are random), from randomUUID's cached pool of randomness.
    const uuid = randomUUID();
    this.pending.push({ ...record, id: `${time}-${uuid.slice(0, 8)}${uuid.slice(9, 13)}`, time });
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** Writes what is pending; resolves once everything recorded so far is in the store. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        const prune = Math.floor((this.written + batch.length) / PRUNE_EVERY) > Math.floor(this.written / PRUNE_EVERY);
        this.written += batch.length;
        const cutoff = new Date(this.context.now().getTime() - this.retentionDays * 86_400_000).toISOString();
        await this.context.store.write(async (tx) => {
          await tx.audit.insert(batch);
          if (prune) await tx.audit.prune(cutoff);
        });
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}

export function listAuditRecords(context: UseCaseContext, filter: AuditFilter): Promise<AuditRecord[]> {
  return context.store.read((tx) => tx.audit.list(filter));
}
