import { describe, expect, it } from "vitest";
import { AppMetrics } from "../../src/operations/metrics.js";
import { StoreConflictError } from "../../src/store/errors.js";
import { observeStore } from "../../src/store/observed-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { sample } from "../support/metrics.js";

describe("a store observed for metrics", () => {
  it("times each unit of work and counts the re-runs after a lost race", async () => {
    const metrics = new AppMetrics();
    const store = observeStore(await SqliteStore.open({ path: ":memory:", synchronous: "normal" }), metrics);
    try {
      let runs = 0;
      const result = await store.write(async (tx) => {
        runs++;
        if (runs < 3) throw new StoreConflictError("lost a race on purpose");
        await tx.admin.setMeta("observed", "yes");
        return "done";
      });
      expect({ result, runs }).toEqual({ result: "done", runs: 3 });
      await expect(store.write(async () => Promise.reject(new Error("not a conflict")))).rejects.toThrow();
      expect(await store.read((tx) => tx.admin.getMeta("observed"))).toBe("yes");

      const text = await metrics.registry.metrics();
      expect(sample(text, "ecs_vip_store_retries_total")).toBe(2);
      const count = (labels: Record<string, string>) =>
        sample(text, "ecs_vip_store_transaction_duration_seconds_count", labels);
      expect(count({ kind: "write", outcome: "committed" })).toBe(1);
      expect(count({ kind: "write", outcome: "failed" })).toBe(1);
      expect(count({ kind: "read", outcome: "committed" })).toBe(1);
    } finally {
      await store.close();
    }
  });
});
