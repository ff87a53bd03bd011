import { type AddressRange, freeRangesOf, hostRange } from "../../domain/ipam/subnet-addresses.js";
import { type Cidr, isHostAddress, parseCidr } from "../../domain/net/cidr.js";
import { parseIpv4 } from "../../domain/net/ipv4.js";
import type { Dialect } from "./dialect.js";
import type { SqlExecutor } from "./executor.js";

/**
 * The free addresses of each subnet as ranges of integers, `free_ranges(subnet_id, first, last)` keyed by the Neutron
 * subnet id (the id `fixed_ips.subnet_id` holds): sorted, disjoint and maximal, covering exactly the subnet's host
 * addresses that no fixed IP holds. The store keeps it in the same transaction as every fixed IP it writes or
 * deletes, so it never drifts from `fixed_ips`; allocation reads it with one indexed seek (`(subnet_id, last)`)
 * instead of the subnet's used set. The unique (network, ip) index on `fixed_ips` stays the last word on who holds
 * an address.
 *
 * On PostgreSQL every change to a subnet's ranges first locks the subnet row (SELECT … FOR UPDATE), so two
 * transactions never split or merge the same ranges from stale reads; SQLite runs one writer at a time anyway.
 */

type Row = Record<string, unknown>;

/** Rows one multi-row INSERT carries when a subnet's ranges are written at once (migration, bulk fill). */
const FILL_CHUNK = 200;

export const FREE_RANGE_STATEMENTS = [
  `CREATE TABLE free_ranges (
    subnet_id TEXT NOT NULL REFERENCES subnets(neutron_subnet_id) ON DELETE CASCADE,
    first BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (subnet_id, first))`,
  `CREATE UNIQUE INDEX free_ranges_by_last ON free_ranges (subnet_id, last)`,
];

function rangeOf(row: Row): AddressRange {
  return { first: Number(row.first), last: Number(row.last) };
}

/** Free ranges of the subnet that end at or after `from`, lowest first, at most `limit` of them. */
export async function listFreeRanges(
  db: SqlExecutor,
  subnetId: string,
  from: number,
  limit: number,
): Promise<AddressRange[]> {
  const rows = await db.all<Row>(
    "SELECT first, last FROM free_ranges WHERE subnet_id = ? AND last >= ? ORDER BY last LIMIT ?",
    [subnetId, from, limit],
  );
  return rows.map(rangeOf);
}

/** Writes ranges of one subnet in multi-row INSERTs of a fixed size (then one row at a time), so shapes stay few. */
export async function insertFreeRanges(db: SqlExecutor, subnetId: string, ranges: readonly AddressRange[]) {
  let start = 0;
  for (; start + FILL_CHUNK <= ranges.length; start += FILL_CHUNK) {
    const params: unknown[] = [];
    for (const range of ranges.slice(start, start + FILL_CHUNK)) params.push(subnetId, range.first, range.last);
    await db.run(
      `INSERT INTO free_ranges (subnet_id, first, last) VALUES ${Array(FILL_CHUNK).fill("(?, ?, ?)").join(", ")}`,
      params,
    );
  }
  for (const range of ranges.slice(start)) {
    await db.run("INSERT INTO free_ranges (subnet_id, first, last) VALUES (?, ?, ?)", [
      subnetId,
      range.first,
      range.last,
    ]);
  }
}

/**
 * Fills the structure for every subnet from the fixed IPs already stored (migration 10, and imports that write
 * around the per-port path): one read of each subnet's used addresses, once.
 */
export async function fillFreeRanges(db: SqlExecutor): Promise<void> {
  await db.run("DELETE FROM free_ranges");
  const subnets = await db.all<Row>("SELECT neutron_subnet_id, cidr FROM subnets ORDER BY neutron_subnet_id");
  for (const subnet of subnets) {
    const cidr = parseCidr(String(subnet.cidr));
    if (!cidr) continue;
    const subnetId = String(subnet.neutron_subnet_id);
    const used = await db.all<Row>("SELECT ip_address FROM fixed_ips WHERE subnet_id = ?", [subnetId]);
    const addresses = used.map((row) => parseIpv4(String(row.ip_address))).filter((a) => a !== undefined);
    await insertFreeRanges(db, subnetId, freeRangesOf(hostRange(cidr), addresses));
  }
}

/**
 * Per unit of work: which subnets' ranges this transaction has locked (a no-op on SQLite), with their CIDR, so each
 * subnet is locked and read once however many addresses the unit of work takes or frees in it.
 */
export class FreeRanges {
  private readonly locked = new Map<string, Cidr | null>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly dialect: Dialect,
  ) {}

  /** Records a subnet row the unit of work locked itself (getSubnet with forUpdate). */
  noteLocked(subnetId: string, cidrText: string): void {
    this.locked.set(subnetId, parseCidr(cidrText) ?? null);
  }

  /** A new unit of work on the same connection (SQLite reuses one Tx): nothing is locked or known any more. */
  reset(): void {
    this.locked.clear();
  }

  /**
   * The subnet's CIDR, its row locked for the rest of the transaction; null when there is no such subnet. The store
   * takes it before writing a fixed IP of the subnet, so that a writer never holds a fresh address of the subnet
   * while waiting for the subnet (allocation locks the subnet first, then writes addresses: one order for all).
   */
  async lockSubnet(subnetId: string): Promise<Cidr | null> {
    const known = this.locked.get(subnetId);
    if (known !== undefined) return known;
    const lock = this.dialect.lock({ forUpdate: true });
    const rows = await this.db.all<Row>(`SELECT cidr FROM subnets WHERE neutron_subnet_id = ?${lock}`, [subnetId]);
    const cidr = rows[0] ? (parseCidr(String(rows[0].cidr)) ?? null) : null;
    this.locked.set(subnetId, cidr);
    return cidr;
  }

  /** A new subnet: all its host addresses are free. */
  async addSubnet(subnetId: string, cidrText: string): Promise<void> {
    const cidr = parseCidr(cidrText);
    if (!cidr) return;
    const range = hostRange(cidr);
    await this.db.run("INSERT INTO free_ranges (subnet_id, first, last) VALUES (?, ?, ?)", [
      subnetId,
      range.first,
      range.last,
    ]);
  }

  /**
   * A change to the subnet's ranges. Nothing the unit of work does next depends on its outcome, and every later read
   * of the ranges first sends what is held back, so where the executor defers writes (PostgreSQL) it travels with the
   * next statement; one at a time (a claim or release reads the ranges first, which sends the previous one).
   */
  private async write(subnetId: string, sql: string, params: unknown[]): Promise<void> {
    if (this.db.deferred) await this.db.deferred.add(`free ${subnetId}`, (n) => [`free_${n} AS (${sql})`], params);
    else await this.db.run(sql, params);
  }

  /** A fixed IP was written: its address leaves the range holding it (split when it sits inside). */
  async claim(subnetId: string, ipAddress: string): Promise<void> {
    const address = parseIpv4(ipAddress);
    if (address === undefined) return;
    const cidr = await this.lockSubnet(subnetId);
    if (!cidr || !isHostAddress(cidr, address)) return;
    const [range] = await listFreeRanges(this.db, subnetId, address, 1);
    // Not free: the unique (network, ip) index already refused a second holder, so this is an address the structure
    // never covered (a store written before the subnet's ranges, which the invariant check reports).
    if (!range || range.first > address) return;
    const { first, last } = range;
    if (first === address && last === address) {
      await this.write(subnetId, "DELETE FROM free_ranges WHERE subnet_id = ? AND first = ?", [subnetId, first]);
    } else if (first === address) {
      await this.write(subnetId, "UPDATE free_ranges SET first = ? WHERE subnet_id = ? AND first = ?", [
        address + 1,
        subnetId,
        first,
      ]);
    } else if (last === address) {
      await this.write(subnetId, "UPDATE free_ranges SET last = ? WHERE subnet_id = ? AND first = ?", [
        address - 1,
        subnetId,
        first,
      ]);
    } else {
      // A split in one statement: the first row ends the range before the address (its key exists: an update),
      // the second is the rest after it (new); in this order, so the unique (subnet, last) key holds at each row.
      await this.write(
        subnetId,
        `INSERT INTO free_ranges (subnet_id, first, last) VALUES (?, ?, ?), (?, ?, ?)
         ON CONFLICT (subnet_id, first) DO UPDATE SET last = excluded.last`,
        [subnetId, first, address - 1, subnetId, address + 1, last],
      );
    }
  }

  /** A fixed IP was deleted: its address joins the free ranges next to it (merging them when it fills a gap). */
  async release(subnetId: string, ipAddress: string): Promise<void> {
    const address = parseIpv4(ipAddress);
    if (address === undefined) return;
    const cidr = await this.lockSubnet(subnetId);
    if (!cidr || !isHostAddress(cidr, address)) return;
    const neighbours = (
      await this.db.all<Row>("SELECT first, last FROM free_ranges WHERE subnet_id = ? AND (last = ? OR first = ?)", [
        subnetId,
        address - 1,
        address + 1,
      ])
    ).map(rangeOf);
    const left = neighbours.find((range) => range.last === address - 1);
    const right = neighbours.find((range) => range.first === address + 1);
    if (left && right) {
      await this.write(subnetId, "DELETE FROM free_ranges WHERE subnet_id = ? AND first = ?", [subnetId, right.first]);
      await this.write(subnetId, "UPDATE free_ranges SET last = ? WHERE subnet_id = ? AND first = ?", [
        right.last,
        subnetId,
        left.first,
      ]);
    } else if (left) {
      await this.write(subnetId, "UPDATE free_ranges SET last = ? WHERE subnet_id = ? AND first = ?", [
        address,
        subnetId,
        left.first,
      ]);
    } else if (right) {
      await this.write(subnetId, "UPDATE free_ranges SET first = ? WHERE subnet_id = ? AND first = ?", [
        address,
        subnetId,
        right.first,
      ]);
    } else {
      await this.write(subnetId, "INSERT INTO free_ranges (subnet_id, first, last) VALUES (?, ?, ?)", [
        subnetId,
        address,
        address,
      ]);
    }
  }
}
