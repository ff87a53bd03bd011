import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { StoreUnavailableError } from "../../../src/store/errors.js";
import { openStore } from "../../../src/store/open-store.js";
import type { Store } from "../../../src/store/store.js";
import {
  freePort,
  PRIVATE_POSTGRES,
  type PrivateCluster,
  queryNode,
  startPrivateCluster,
} from "../../support/private-postgres.js";
import { requires } from "../../support/requirements.js";

/**
 * libpq's multi-host URLs on two private clusters, A and B (independent primaries, each with the schema), behind a
 * port nothing listens on: hosts are tried in order, a refused one is skipped, a read-only node is skipped under
 * target_session_attrs=read-write, and a session whose node turns read-only (25006) is dropped for the next host,
 * the unit of work running again there.
 */
const needs = requires(PRIVATE_POSTGRES);
const T0 = "2026-01-01T00:00:00.000Z";
const vpc = (id: string) => ({ id, projectId: "p", name: id, description: "", cidr: "", status: "OK", createdAt: T0 });

async function vpcIdsOn(cluster: PrivateCluster, database: string): Promise<string[]> {
  const row = await queryNode<{ ids: string[] }>(
    cluster.port,
    database,
    "SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM vpcs",
  );
  return row.ids;
}

async function setReadOnly(cluster: PrivateCluster, on: boolean): Promise<void> {
  await queryNode(cluster.port, "postgres", `ALTER SYSTEM SET default_transaction_read_only = ${on ? "on" : "off"}`);
  await queryNode(cluster.port, "postgres", "SELECT pg_reload_conf()");
  // A reload reaches every session at its next command; give the postmaster's signal a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe.skipIf(needs.skip)(needs.title("a store on a multi-host PostgreSQL URL"), () => {
  let a: PrivateCluster;
  let b: PrivateCluster;
  let deadPort = 0;
  const stores: Store[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([startPrivateCluster(), startPrivateCluster()]);
    deadPort = await freePort();
  }, 180_000);
  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  /** A database of this name on A and on B, each with the schema and a project; the multi-host URL for it. */
  async function databases(database: string, attrs = "read-write"): Promise<string> {
    for (const cluster of [a, b]) {
      await cluster.createDatabase(database);
      const store = await openStore(cluster.url(database));
      await store.write(async (tx) => {
        await tx.iam.insertAccount({ id: "acct", name: "acct" });
        await tx.iam.insertProject({ id: "p", accountId: "acct", name: "p", description: "" });
      });
      await store.close();
    }
    return urlOf(database, attrs);
  }

  const urlOf = (database: string, attrs: string) =>
    `postgres://postgres@127.0.0.1:${deadPort},127.0.0.1:${a.port},127.0.0.1:${b.port}/${database}` +
    `?target_session_attrs=${attrs}`;

  it("skips a refused host, and moves to the next when its node turns read-only, re-running the write there", async () => {
    const store = await openStore(await databases("walk"));
    stores.push(store);
    await store.write((tx) => tx.networks.insertVpc(vpc("on-a")));
    expect(await vpcIdsOn(a, "walk")).toEqual(["on-a"]);

    await setReadOnly(a, true);
    try {
      // The pooled session on A meets 25006; the same unit of work then commits on B.
      await store.write((tx) => tx.networks.insertVpc(vpc("on-b")));
      expect(await vpcIdsOn(b, "walk")).toEqual(["on-b"]);
      expect(await vpcIdsOn(a, "walk")).toEqual(["on-a"]);
      // New connections go to B from now on, reads included.
      const dump = await store.read((tx) => tx.admin.dump());
      expect((dump.vpcs ?? []).map((row) => row.id)).toEqual(["on-b"]);
    } finally {
      await setReadOnly(a, false);
    }
  }, 60_000);

  it("opens on a read-only first node with target_session_attrs=any, and skips it with read-write", async () => {
    await databases("attrs");
    const seed = await openStore(a.url("attrs"));
    await seed.write((tx) => tx.networks.insertVpc(vpc("on-a")));
    await seed.close();
    await setReadOnly(a, true);
    try {
      const anyNode = await openStore(urlOf("attrs", "any"), { readOnly: true });
      stores.push(anyNode);
      const readWrite = await openStore(urlOf("attrs", "read-write"));
      stores.push(readWrite);
      await readWrite.write((tx) => tx.networks.insertVpc(vpc("rw")));
      expect(await vpcIdsOn(b, "attrs")).toEqual(["rw"]);
      expect(await vpcIdsOn(a, "attrs")).toEqual(["on-a"]);
      await expect(anyNode.read((tx) => tx.admin.dump())).resolves.toMatchObject({ vpcs: [{ id: "on-a" }] });
    } finally {
      await setReadOnly(a, false);
    }
  }, 60_000);

  it("warns once at start when the primary of a multi-host URL has no synchronous standby", async () => {
    const url = await databases("durability");
    const written = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let lines: string[];
    try {
      stores.push(await openStore(url));
      lines = written.mock.calls.map(([chunk]) => String(chunk));
    } finally {
      written.mockRestore();
    }
    expect(lines.filter((line) => line.startsWith("ecs-vip: warning:"))).toEqual([
      expect.stringMatching(/no synchronous standby \(synchronous_standby_names is empty\).*failover can lose/),
    ]);
    // One host: no failover to lose anything in, no warning.
    const single = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      stores.push(await openStore(a.url("durability")));
      expect(single.mock.calls.map(([chunk]) => String(chunk)).filter((line) => /warning/.test(line))).toEqual([]);
    } finally {
      single.mockRestore();
    }
  }, 60_000);

  it("fails a unit of work as unavailable, at once, when no host answers", async () => {
    const store = await openStore(await databases("down"));
    stores.push(store);
    await a.crash();
    await b.crash();
    try {
      const failure = await store.write((tx) => tx.networks.insertVpc(vpc("nowhere"))).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as StoreUnavailableError).message).toMatch(/ECONNREFUSED/);
      await expect(store.read((tx) => tx.admin.dump())).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await Promise.all([a.start(), b.start()]);
    }
    await store.write((tx) => tx.networks.insertVpc(vpc("back")));
    // On whichever node the walk reached first: once, on one of them.
    expect([...(await vpcIdsOn(a, "down")), ...(await vpcIdsOn(b, "down"))]).toEqual(["back"]);
  }, 60_000);
});
