import type { Port } from "../../domain/model.js";
import type { PortChange, PortRepository } from "../repositories/ports.js";
import type { PortFilter, ReadOptions } from "../types.js";
import type { Row, SqlContext } from "./context.js";
import { replaceFixedIps } from "./port-addresses-sql.js";
import { FRESH, hydratedPortColumns, hydratePorts } from "./port-rows.js";
import {
  insertPairs,
  insertPortRows,
  pairsAreDistinct,
  UPDATE_PORT,
  updatePortParams,
  writePortChanges,
} from "./port-writes.js";
import { Query } from "./query.js";
import { lockBindInput, lockUnbindInput } from "./vip-decision-reads.js";

export class PortsSql implements PortRepository {
  private readonly columns: string;

  constructor(private readonly context: SqlContext) {
    this.columns = hydratedPortColumns(context.dialect);
  }

  private get db() {
    return this.context.db;
  }

  private query(): Query {
    return new Query(this.context.dialect, "ports", this.columns);
  }

  private hydrate(rows: Row[]): Port[] {
    return hydratePorts(this.context.dialect, rows);
  }

  async insert(port: Port): Promise<void> {
    await this.insertRows(port, false);
  }

  insertUnlessMacTaken(port: Port): Promise<boolean> {
    return this.insertRows(port, true);
  }

  private async insertRows(port: Port, unlessMacTaken: boolean): Promise<boolean> {
    // The subnets first: a writer never holds a fresh address while it waits for the address's subnet (see
    // FreeRanges.lockSubnet).
    for (const fixedIp of port.fixedIps) await this.context.free.lockSubnet(fixedIp.subnetId);
    if (!(await insertPortRows(this.db, this.context.dialect, port, unlessMacTaken))) return false;
    this.context.changes.ports.add(port.id);
    for (const fixedIp of port.fixedIps) await this.context.free.claim(fixedIp.subnetId, fixedIp.ipAddress);
    return true;
  }

  /**
   * Hydrated ports meeting `condition`, locked when asked. Where rows are locked (PostgreSQL) a locking read is one
   * statement that also tells whether its rows are fresh: after waiting for another transaction's lock, READ
   * COMMITTED hands back the port row as that transaction left it, but the children's subqueries still see the
   * statement's older snapshot. A row whose version (xmin) differs from the one in that snapshot is such a case,
   * and the locked ports are read again. This holds because every change to a port's children also updates the
   * port's row in the same transaction (update; a port deleted is gone from the locked rows), and because a unit of
   * work that writes gives every port it locked and did not write a new row version too (`writeChange`): a lock
   * alone leaves xmin as it was, so a reader that waited for a unit of work that only locked the port (a bind whose
   * NIC already had the pair) would otherwise take its older snapshot for fresh and miss that unit of work's writes.
   */
  private async select(condition: string, params: unknown[], options?: ReadOptions): Promise<Port[]> {
    if (options?.forUpdate && this.context.dialect.rowLocks) {
      const locked = await new Query(this.context.dialect, "ports", `${this.columns}, ${FRESH}`)
        .where(condition, ...params)
        .orderBy("id")
        .forUpdate(options)
        .all(this.db);
      for (const row of locked) this.context.lockedPorts.add(String(row.id));
      if (locked.every((row) => row.fresh === true)) return this.hydrate(locked);
      const ids = locked.map((row) => String(row.id));
      return this.hydrate(await this.query().oneOf("id", ids).orderBy("id").all(this.db));
    }
    return this.hydrate(
      await this.query()
        .where(condition, ...params)
        .all(this.db),
    );
  }

  lockBindInput(nicId: string, target: { projectId: string; subnetId: string; ipAddress: string }) {
    return lockBindInput(this.context, nicId, target);
  }

  lockUnbindInput(nicId: string, projectId: string) {
    return lockUnbindInput(this.context, nicId, projectId);
  }

  async get(id: string, options?: ReadOptions): Promise<Port | undefined> {
    return (await this.select("id = ?", [id], options))[0];
  }

  async list(filter: PortFilter): Promise<Port[]> {
    const query = this.query()
      .where("project_id = ?", filter.projectId)
      .equal("name", filter.name)
      .equal("network_id", filter.networkId)
      .equal("device_id", filter.deviceId)
      .equal("device_owner", filter.deviceOwner)
      .equal("mac_address", filter.macAddress)
      .equal("status", filter.status)
      .equal("admin_state_up", filter.adminStateUp === undefined ? undefined : filter.adminStateUp ? 1 : 0)
      .oneOf("id", filter.ids);
    if (filter.ipAddress !== undefined) {
      query.where("id IN (SELECT port_id FROM fixed_ips WHERE ip_address = ?)", filter.ipAddress);
    }
    if (filter.ipAddressSubstring !== undefined) {
      // Addresses hold digits and dots only: no LIKE wildcard to escape once the text is known to be of those.
      if (!/^[0-9.]*$/.test(filter.ipAddressSubstring)) return [];
      query.where("id IN (SELECT port_id FROM fixed_ips WHERE ip_address LIKE ?)", `%${filter.ipAddressSubstring}%`);
    }
    if (filter.fixedIpSubnetId !== undefined) {
      query.where("id IN (SELECT port_id FROM fixed_ips WHERE subnet_id = ?)", filter.fixedIpSubnetId);
    }
    query.oneOf(
      "security_group_id",
      filter.securityGroupIds,
      (list) => `id IN (SELECT port_id FROM port_security_groups WHERE ${list})`,
    );
    return this.hydrate(await query.page(filter.page).all(this.db));
  }

  async getByFixedIp(networkId: string, ipAddress: string, options?: ReadOptions): Promise<Port | undefined> {
    const condition = "id IN (SELECT port_id FROM fixed_ips WHERE network_id = ? AND ip_address = ?)";
    return (await this.select(condition, [networkId, ipAddress], options))[0];
  }

  async macInUse(networkId: string, macAddress: string): Promise<boolean> {
    const rows = await this.db.all("SELECT 1 FROM ports WHERE network_id = ? AND mac_address = ? LIMIT 1", [
      networkId,
      macAddress,
    ]);
    return rows.length > 0;
  }

  async listWithPair(projectId: string, pair: { ipAddress: string; macAddress?: string }): Promise<Port[]> {
    const inner = `SELECT port_id FROM address_pairs WHERE ip_address = ?${pair.macAddress === undefined ? "" : " AND mac_address = ?"}`;
    const query = this.query()
      .where("project_id = ?", projectId)
      .where(`id IN (${inner})`, ...[pair.ipAddress, pair.macAddress].filter((value) => value !== undefined))
      .orderBy("id");
    return this.hydrate(await query.all(this.db));
  }

  async listNicsOfServer(serverId: string): Promise<Port[]> {
    const query = this.query().where("device_id = ?", serverId).where("nic_index IS NOT NULL").orderBy("nic_index");
    return this.hydrate(await query.all(this.db));
  }

  async setFixedIps(port: Port): Promise<void> {
    this.context.changes.ports.add(port.id);
    await replaceFixedIps(this.db, this.context.free, port);
  }

  async update(port: Port): Promise<void> {
    this.context.changes.ports.add(port.id);
    const fields = updatePortParams(port);
    const set = UPDATE_PORT;
    const pairs = port.allowedAddressPairs;
    if (this.context.dialect.writableCtes && pairsAreDistinct(pairs)) {
      // One statement: the row, then the pairs as a difference against the stored ones (every part of the statement
      // sees the rows as they were before it, so pairs are deleted, re-positioned or inserted, never both deleted
      // and inserted, and the unique (port, IP, MAC) key holds throughout). Nothing here is read back, so where
      // the executor defers writes it travels with the next statement (the change record, at the latest).
      const ctes = (n: number) => [
        `updated_${n} AS (${set} RETURNING id)`,
        `wanted_${n} AS (SELECT * FROM unnest(?::text[], ?::text[], ?::int[]) AS w(ip_address, mac_address, position))`,
        `dropped_${n} AS (DELETE FROM address_pairs a WHERE a.port_id = ? AND NOT EXISTS
           (SELECT 1 FROM wanted_${n} w WHERE w.ip_address = a.ip_address AND w.mac_address = a.mac_address))`,
        `moved_${n} AS (UPDATE address_pairs a SET position = w.position FROM wanted_${n} w WHERE a.port_id = ?
           AND a.ip_address = w.ip_address AND a.mac_address = w.mac_address AND a.position <> w.position)`,
        `inserted_${n} AS (INSERT INTO address_pairs (port_id, ip_address, mac_address, position)
           SELECT ?, w.ip_address, w.mac_address, w.position FROM wanted_${n} w WHERE NOT EXISTS
             (SELECT 1 FROM address_pairs a WHERE a.port_id = ? AND a.ip_address = w.ip_address
               AND a.mac_address = w.mac_address))`,
      ];
      const params = [
        ...fields,
        pairs.map((pair) => pair.ipAddress),
        pairs.map((pair) => pair.macAddress),
        pairs.map((_, position) => position),
        port.id,
        port.id,
        port.id,
        port.id,
      ];
      if (this.db.deferred) await this.db.deferred.add(`port ${port.id}`, ctes, params);
      else await this.db.run(`WITH ${ctes(0).join(",\n")} SELECT 1`, params);
      return;
    }
    await this.db.run(set, fields);
    await this.db.run("DELETE FROM address_pairs WHERE port_id = ?", [port.id]);
    await insertPairs(this.db, port.id, port.allowedAddressPairs);
  }

  async updateChanged(changes: readonly PortChange[]): Promise<void> {
    // PostgreSQL's update already writes by difference, held back to travel with the change record (no round trip
    // of its own); repeated pairs take update's path, so that the unique key refuses them as it does there.
    if (
      this.context.dialect.writableCtes ||
      changes.some(({ after }) => !pairsAreDistinct(after.allowedAddressPairs))
    ) {
      for (const { after } of changes) await this.update(after);
      return;
    }
    for (const { after } of changes) this.context.changes.ports.add(after.id);
    await writePortChanges(this.db, changes);
  }

  async delete(id: string): Promise<void> {
    this.context.changes.ports.add(id);
    const held = await this.db.all<Row>("SELECT subnet_id, ip_address FROM fixed_ips WHERE port_id = ?", [id]);
    await this.db.run("DELETE FROM ports WHERE id = ?", [id]);
    for (const row of held) await this.context.free.release(String(row.subnet_id), String(row.ip_address));
  }
}
