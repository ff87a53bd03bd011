import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { StoreObserver } from "../store/observed-store.js";
import { storeStatements } from "../store/sql/executor.js";
import type { UseCaseObserver } from "../usecases/context.js";

/**
 * The Prometheus metrics of one app instance, in a registry of its own (tests build many apps in one process).
 * Names are a contract with users' dashboards: keep them.
 */
export class AppMetrics implements StoreObserver, UseCaseObserver {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "ecs_vip_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "ecs_vip_http_request_duration_seconds",
    help: "Time from request to answer, by method and route template",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly storeTransactions = new Histogram({
    name: "ecs_vip_store_transaction_duration_seconds",
    help: "Duration of store units of work (retries included), by kind (read or write) and outcome",
    labelNames: ["kind", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly storeRetries = new Counter({
    name: "ecs_vip_store_retries_total",
    help: "Units of work run again after losing a race with a concurrent one",
    registers: [this.registry],
  });
  readonly vipBinds = new Counter({
    name: "ecs_vip_vip_binds_total",
    help: "Successful virtual IP binds (PUT /v1/{project_id}/cloudservers/nics/{nic_id} with an address)",
    registers: [this.registry],
  });
  readonly vipUnbinds = new Counter({
    name: "ecs_vip_vip_unbinds_total",
    help: "Successful virtual IP unbinds (the same route with both fields empty)",
    registers: [this.registry],
  });
  readonly faultsInjected = new Counter({
    name: "ecs_vip_faults_injected_total",
    help: "Faults injected by fault rules, by operation and action (error, latency, drop)",
    labelNames: ["operation", "action"] as const,
    registers: [this.registry],
  });

  readonly storeStatements = new Counter({
    name: "ecs_vip_store_statements_total",
    help: "SQL statements this process sent to its store (round trips on PostgreSQL, BEGIN and COMMIT included)",
    registers: [this.registry],
    collect() {
      this.reset();
      this.inc(storeStatements.count);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  transactionFinished(kind: "read" | "write", seconds: number, ok: boolean, attempts: number): void {
    this.storeTransactions.observe({ kind, outcome: ok ? "committed" : "failed" }, seconds);
    if (attempts > 1) this.storeRetries.inc(attempts - 1);
  }

  vipBound(): void {
    this.vipBinds.inc();
  }

  vipUnbound(): void {
    this.vipUnbinds.inc();
  }
}
