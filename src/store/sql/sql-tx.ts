import type { AuditFilter, AuditRecord } from "../../domain/audit.js";
import type { AddressRange } from "../../domain/ipam/subnet-addresses.js";
import type {
  AccessKey,
  Account,
  AddressPair,
  GroupGrant,
  Job,
  Network,
  Port,
  Project,
  Server,
  Subnet,
  User,
  UserGroup,
  Vpc,
} from "../../domain/model.js";
import type { ProjectUsage } from "../../domain/quotas/quotas.js";
import { ChangeRecorder } from "../change-feed.js";
import type { NetworkFilter, NetworkState, Page, PortFilter, ReadOptions, SubnetFilter, Tx } from "../store.js";
import * as audit from "./audit-sql.js";
import { writeChange } from "./change-log.js";
import { FreeRanges, listFreeRanges } from "./free-ranges.js";
import * as iam from "./iam-sql.js";
import { inList } from "./in-list.js";
import { replaceFixedIps } from "./port-addresses-sql.js";
import { ROUTER_TABLES, RouterSql } from "./routers-sql.js";
import { jobFromRow, networkFromRow, portFromRow, serverFromRow, subnetFromRow, vpcFromRow } from "./rows.js";
import { SECURITY_GROUP_AND_EIP_TABLES } from "./security-groups-sql.js";

type Row = Record<string, unknown>;

const PORT_COLUMNS =
  "id, project_id, network_id, name, description, mac_address, device_owner, device_id, status, admin_state_up, nic_index, revision_number, created_at, updated_at, port_security_enabled, extra_dhcp_opts, binding_profile";
const DUMP_ORDER: [string, string][] = [
  ["meta", "key"],
  ["accounts", "id"],
  ["users", "id"],
  ["projects", "id"],
  ["access_keys", "access_key"],
  ...iam.IAM_TABLES,
  ["vpcs", "id"],
  ["networks", "id"],
  ["subnets", "id"],
  ["ports", "id"],
  ["fixed_ips", "network_id, ip_address"],
  ["free_ranges", "subnet_id, first"],
  ["address_pairs", "port_id, ip_address, mac_address"],
  ["servers", "id"],
  ["jobs", "id"],
  ...SECURITY_GROUP_AND_EIP_TABLES,
  ...ROUTER_TABLES,
];

const BIGINT_COLUMNS: Record<string, string[]> = { free_ranges: ["first", "last"] };

/**
 * A port row carries its fixed IPs, pairs and groups as JSON arrays (correlated subqueries, in position order), so
 * reading hydrated ports is one statement instead of four (a round trip each on PostgreSQL); `FOR UPDATE` still
 * locks only the port rows. PostgreSQL hands the arrays over parsed, SQLite as JSON text.
 */
const PG_PORT_COLUMNS = `${PORT_COLUMNS},
  (SELECT COALESCE(json_agg(json_build_array(f.subnet_id, f.ip_address) ORDER BY f.position), '[]')
    FROM fixed_ips f WHERE f.port_id = ports.id) AS fixed_ips_json,
  (SELECT COALESCE(json_agg(json_build_array(a.ip_address, a.mac_address) ORDER BY a.position), '[]')
    FROM address_pairs a WHERE a.port_id = ports.id) AS pairs_json,
  (SELECT COALESCE(json_agg(g.security_group_id ORDER BY g.position), '[]')
    FROM port_security_groups g WHERE g.port_id = ports.id) AS groups_json`;

const SQLITE_PORT_COLUMNS = `${PORT_COLUMNS},
  (SELECT json_group_array(json_array(f.subnet_id, f.ip_address) ORDER BY f.position)
    FROM fixed_ips f WHERE f.port_id = ports.id) AS fixed_ips_json,
  (SELECT json_group_array(json_array(a.ip_address, a.mac_address) ORDER BY a.position)
    FROM address_pairs a WHERE a.port_id = ports.id) AS pairs_json,
  (SELECT json_group_array(g.security_group_id ORDER BY g.position)
    FROM port_security_groups g WHERE g.port_id = ports.id) AS groups_json`;

/** A JSON array column as PostgreSQL (parsed) or SQLite (text) hands it over. */
function jsonArray<T>(value: unknown): T[] {
  return (typeof value === "string" ? JSON.parse(value) : value) as T[];
}

/** The whole store contract in portable SQL; the dialects differ only in their executor. */
export class SqlTx extends RouterSql implements Tx {
  /** Ids of ports, servers and subnets this unit of work wrote (also through cascades), for the change feed. */
  readonly changes = new ChangeRecorder();
  /** The free-address structure, kept in step with every fixed IP written or deleted here. */
  private readonly free = new FreeRanges(this.db);

  /** Starts a new unit of work on this Tx (SQLite reuses one): forgets what the previous one recorded and locked. */
  beginUnitOfWork(): void {
    this.changes.clear();
    this.free.reset();
  }

  /** Writes what this unit of work touched as the next change; the store calls it last, just before COMMIT. */
  flushChanges(at: string) {
    return writeChange(this.db, this.changes, at);
  }

  private get portColumns(): string {
    return this.db.dialect === "postgres" ? PG_PORT_COLUMNS : SQLITE_PORT_COLUMNS;
  }

  private lock(options?: ReadOptions): string {
    return options?.forUpdate && this.db.dialect === "postgres" ? " FOR UPDATE" : "";
  }

  private async one(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    const rows = await this.db.all<Row>(sql, params);
    return rows[0];
  }

  /** Rows after the marker in `column` order; with `reverse`, the rows before it, fetched backwards (see `inOrder`). */
  private pageClause(page: Page, params: unknown[], column = "id"): string {
    let clause = "";
    if (page.marker !== undefined) {
      clause += ` AND ${column} ${page.reverse ? "<" : ">"} ?`;
      params.push(page.marker);
    }
    params.push(page.limit);
    return `${clause} ORDER BY ${column}${page.reverse ? " DESC" : ""} LIMIT ?`;
  }

  /** A reversed page comes back last-first: turn it back into ascending order. */
  private inOrder<T>(rows: T[], page: Page | undefined): T[] {
    return page?.reverse ? rows.reverse() : rows;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.one("SELECT value FROM meta WHERE key = ?", [key]);
    return row ? String(row.value) : undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.run("DELETE FROM meta WHERE key = ?", [key]);
    await this.db.run("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value]);
  }

  async insertAccount(account: Account): Promise<void> {
    await this.db.run("INSERT INTO accounts (id, name) VALUES (?, ?)", [account.id, account.name]);
  }

  async getAccountByName(name: string): Promise<Account | undefined> {
    const row = await this.one("SELECT id, name FROM accounts WHERE name = ?", [name]);
    return row ? { id: String(row.id), name: String(row.name) } : undefined;
  }

  insertUser(user: User): Promise<void> {
    return iam.insertUser(this.db, user);
  }

  private userFromRow(row: Row | undefined): User | undefined {
    return row ? iam.userFromRow(row) : undefined;
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.userFromRow(await this.one("SELECT * FROM users WHERE id = ?", [id]));
  }

  async getUserByName(accountId: string, name: string): Promise<User | undefined> {
    return this.userFromRow(await this.one("SELECT * FROM users WHERE account_id = ? AND name = ?", [accountId, name]));
  }

  async insertProject(project: Project): Promise<void> {
    await this.db.run("INSERT INTO projects (id, account_id, name, description) VALUES (?, ?, ?, ?)", [
      project.id,
      project.accountId,
      project.name,
      project.description,
    ]);
  }

  private projectFromRow(row: Row): Project {
    return {
      id: String(row.id),
      accountId: String(row.account_id),
      name: String(row.name),
      description: String(row.description),
    };
  }

  async getProject(id: string): Promise<Project | undefined> {
    const row = await this.one("SELECT * FROM projects WHERE id = ?", [id]);
    return row ? this.projectFromRow(row) : undefined;
  }

  async getProjectByName(name: string): Promise<Project | undefined> {
    const row = await this.one("SELECT * FROM projects WHERE name = ?", [name]);
    return row ? this.projectFromRow(row) : undefined;
  }

  async listProjects(accountId: string, filter: { name?: string; id?: string }): Promise<Project[]> {
    const params: unknown[] = [accountId];
    let sql = "SELECT * FROM projects WHERE account_id = ?";
    if (filter.name !== undefined) {
      sql += " AND name = ?";
      params.push(filter.name);
    }
    if (filter.id !== undefined) {
      sql += " AND id = ?";
      params.push(filter.id);
    }
    const rows = await this.db.all<Row>(`${sql} ORDER BY name`, params);
    return rows.map((row) => this.projectFromRow(row));
  }

  insertAccessKey(key: AccessKey): Promise<void> {
    return iam.insertAccessKey(this.db, key);
  }

  getAccessKey(accessKey: string): Promise<AccessKey | undefined> {
    return iam.getAccessKey(this.db, accessKey);
  }

  // Identity and security (statements in iam-sql.ts).
  listAccessKeys(userId?: string): Promise<AccessKey[]> {
    return iam.listAccessKeys(this.db, userId);
  }

  updateAccessKeySecret(accessKey: string, secretKey: string): Promise<void> {
    return iam.updateAccessKeySecret(this.db, accessKey, secretKey);
  }

  deleteAccessKey(accessKey: string): Promise<boolean> {
    return iam.deleteAccessKey(this.db, accessKey);
  }

  updateAccessKey(key: AccessKey): Promise<void> {
    return iam.updateAccessKey(this.db, key);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const row = await this.one("SELECT id, name FROM accounts WHERE id = ?", [id]);
    return row ? { id: String(row.id), name: String(row.name) } : undefined;
  }

  listUsers(accountId: string, filter: { name?: string; enabled?: boolean }): Promise<User[]> {
    return iam.listUsers(this.db, accountId, filter);
  }

  updateUser(user: User): Promise<void> {
    return iam.updateUser(this.db, user);
  }

  deleteUser(id: string): Promise<void> {
    return iam.deleteUser(this.db, id);
  }

  insertGroup(group: UserGroup): Promise<void> {
    return iam.insertGroup(this.db, group);
  }

  getGroup(id: string): Promise<UserGroup | undefined> {
    return iam.getGroup(this.db, id);
  }

  listGroups(accountId: string, filter: { name?: string }): Promise<UserGroup[]> {
    return iam.listGroups(this.db, accountId, filter);
  }

  listGroupsOfUser(userId: string): Promise<UserGroup[]> {
    return iam.listGroupsOfUser(this.db, userId);
  }

  addGroupMember(groupId: string, userId: string): Promise<void> {
    return iam.addGroupMember(this.db, groupId, userId);
  }

  grantRole(grant: GroupGrant): Promise<void> {
    return iam.grantRole(this.db, grant);
  }

  revokeRole(grant: GroupGrant): Promise<boolean> {
    return iam.revokeRole(this.db, grant);
  }

  hasGrant(grant: GroupGrant): Promise<boolean> {
    return iam.hasGrant(this.db, grant);
  }

  rolesOfUserOnProject(userId: string, projectId: string): Promise<string[]> {
    return iam.rolesOfUserOnProject(this.db, userId, projectId);
  }

  revokeToken(tokenHash: string, expiresAt: string, now: string): Promise<void> {
    return iam.revokeToken(this.db, tokenHash, expiresAt, now);
  }

  isTokenRevoked(tokenHash: string): Promise<boolean> {
    return iam.isTokenRevoked(this.db, tokenHash);
  }

  identityRevision(): Promise<number> {
    return iam.identityRevision(this.db);
  }

  insertAudit(records: readonly AuditRecord[]): Promise<void> {
    return audit.insertAudit(this.db, records);
  }

  listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    return audit.listAudit(this.db, filter);
  }

  pruneAudit(before: string): Promise<number> {
    return audit.pruneAudit(this.db, before);
  }

  async insertVpc(vpc: Vpc): Promise<void> {
    await this.db.run(
      "INSERT INTO vpcs (id, project_id, name, description, cidr, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [vpc.id, vpc.projectId, vpc.name, vpc.description, vpc.cidr, vpc.status, vpc.createdAt],
    );
  }

  async getVpc(id: string, options?: ReadOptions): Promise<Vpc | undefined> {
    const row = await this.one(`SELECT * FROM vpcs WHERE id = ?${this.lock(options)}`, [id]);
    return row ? vpcFromRow(row) : undefined;
  }

  async listVpcs(projectId: string, page: Page): Promise<Vpc[]> {
    const params: unknown[] = [projectId];
    const rows = await this.db.all<Row>(
      `SELECT * FROM vpcs WHERE project_id = ?${this.pageClause(page, params)}`,
      params,
    );
    return this.inOrder(rows, page).map(vpcFromRow);
  }

  async deleteVpc(id: string): Promise<void> {
    await this.db.run("DELETE FROM vpcs WHERE id = ?", [id]);
  }

  async insertSubnet(s: Subnet): Promise<void> {
    this.changes.subnets.add(s.id);
    await this.db.run(
      `INSERT INTO subnets (id, neutron_subnet_id, project_id, vpc_id, name, description, cidr, gateway_ip,
        dhcp_enable, primary_dns, secondary_dns, availability_zone, status, created_at, network_id, dns_list,
        extra_dhcp_opts, allocation_pools, revision_number, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.id,
        s.neutronSubnetId,
        s.projectId,
        s.vpcId,
        s.name,
        s.description,
        s.cidr,
        s.gatewayIp,
        s.dhcpEnable ? 1 : 0,
        s.primaryDns,
        s.secondaryDns,
        s.availabilityZone,
        s.status,
        s.createdAt,
        s.networkId,
        JSON.stringify(s.dnsList),
        JSON.stringify(s.extraDhcpOpts),
        // Records exported before pools, revisions and update times were kept come without them.
        s.allocationPools === undefined ? null : JSON.stringify(s.allocationPools),
        s.revisionNumber ?? 0,
        s.updatedAt ?? s.createdAt,
      ],
    );
    await this.free.addSubnet(s.neutronSubnetId, s.cidr);
  }

  async updateSubnet(s: Subnet): Promise<void> {
    await this.db.run(
      `UPDATE subnets SET name = ?, description = ?, dhcp_enable = ?, primary_dns = ?, secondary_dns = ?,
        dns_list = ?, extra_dhcp_opts = ?, allocation_pools = ?, revision_number = ?, updated_at = ? WHERE id = ?`,
      [
        s.name,
        s.description,
        s.dhcpEnable ? 1 : 0,
        s.primaryDns,
        s.secondaryDns,
        JSON.stringify(s.dnsList),
        JSON.stringify(s.extraDhcpOpts),
        JSON.stringify(s.allocationPools),
        s.revisionNumber,
        s.updatedAt,
        s.id,
      ],
    );
  }

  async updateVpc(vpc: Vpc): Promise<void> {
    await this.db.run("UPDATE vpcs SET name = ?, description = ?, cidr = ? WHERE id = ?", [
      vpc.name,
      vpc.description,
      vpc.cidr,
      vpc.id,
    ]);
  }

  async getSubnet(id: string, options?: ReadOptions): Promise<Subnet | undefined> {
    const row = await this.one(`SELECT * FROM subnets WHERE id = ?${this.lock(options)}`, [id]);
    if (!row) return undefined;
    const subnet = subnetFromRow(row);
    if (options?.forUpdate) this.free.noteLocked(subnet.neutronSubnetId, subnet.cidr);
    return subnet;
  }

  async getSubnetByNeutronId(neutronSubnetId: string, options?: ReadOptions): Promise<Subnet | undefined> {
    const row = await this.one(`SELECT * FROM subnets WHERE neutron_subnet_id = ?${this.lock(options)}`, [
      neutronSubnetId,
    ]);
    return row ? subnetFromRow(row) : undefined;
  }

  async listSubnets(projectId: string, filter: SubnetFilter): Promise<Subnet[]> {
    const params: unknown[] = [projectId];
    let sql = "SELECT * FROM subnets WHERE project_id = ?";
    if (filter.vpcOnly) sql += " AND vpc_id IS NOT NULL";
    if (filter.vpcId !== undefined) {
      sql += " AND vpc_id = ?";
      params.push(filter.vpcId);
    }
    const rows = await this.db.all<Row>(sql + this.pageClause(filter.page, params), params);
    return this.inOrder(rows, filter.page).map(subnetFromRow);
  }

  async listSubnetsOfVpc(vpcId: string): Promise<Subnet[]> {
    const rows = await this.db.all<Row>("SELECT * FROM subnets WHERE vpc_id = ? ORDER BY id", [vpcId]);
    return rows.map(subnetFromRow);
  }

  async deleteSubnet(id: string): Promise<void> {
    this.changes.subnets.add(id);
    await this.db.run("DELETE FROM subnets WHERE id = ?", [id]);
  }

  // Networks (a VPC v1 subnet's network shares its id; Neutron-native networks have no VPC).

  async insertNetwork(n: Network): Promise<void> {
    await this.db.run(
      `INSERT INTO networks (id, project_id, vpc_id, name, description, admin_state_up, status, revision_number,
        created_at, updated_at, port_security_enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        n.id,
        n.projectId,
        n.vpcId,
        n.name,
        n.description,
        n.adminStateUp ? 1 : 0,
        n.status,
        n.revisionNumber,
        n.createdAt,
        n.updatedAt,
        n.portSecurityEnabled === false ? 0 : 1,
      ],
    );
  }

  async getNetwork(id: string, options?: ReadOptions): Promise<Network | undefined> {
    const row = await this.one(`SELECT * FROM networks WHERE id = ?${this.lock(options)}`, [id]);
    return row ? networkFromRow(row) : undefined;
  }

  async listNetworks(projectId: string, filter: NetworkFilter): Promise<Network[]> {
    const params: unknown[] = [projectId];
    let sql = "SELECT * FROM networks WHERE project_id = ?";
    if (filter.name !== undefined) {
      sql += " AND name = ?";
      params.push(filter.name);
    }
    if (filter.ids !== undefined) {
      if (filter.ids.length === 0) return [];
      const list = inList(this.db.dialect, "id", filter.ids);
      sql += ` AND ${list.sql}`;
      params.push(list.param);
    }
    sql += filter.page ? this.pageClause(filter.page, params) : " ORDER BY id";
    return this.inOrder(await this.db.all<Row>(sql, params), filter.page).map(networkFromRow);
  }

  async updateNetwork(n: Network): Promise<void> {
    await this.db.run(
      `UPDATE networks SET name = ?, description = ?, admin_state_up = ?, status = ?, revision_number = ?,
        updated_at = ?, port_security_enabled = ? WHERE id = ?`,
      [
        n.name,
        n.description,
        n.adminStateUp ? 1 : 0,
        n.status,
        n.revisionNumber,
        n.updatedAt,
        n.portSecurityEnabled ? 1 : 0,
        n.id,
      ],
    );
  }

  async deleteNetwork(id: string): Promise<void> {
    await this.db.run("DELETE FROM networks WHERE id = ?", [id]);
  }

  async listSubnetsOfNetwork(networkId: string): Promise<Subnet[]> {
    const rows = await this.db.all<Row>("SELECT * FROM subnets WHERE network_id = ? ORDER BY created_at, id", [
      networkId,
    ]);
    return rows.map(subnetFromRow);
  }

  async insertPort(port: Port): Promise<void> {
    this.changes.ports.add(port.id);
    await this.db.run(
      `INSERT INTO ports (${PORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        port.id,
        port.projectId,
        port.networkId,
        port.name,
        port.description,
        port.macAddress,
        port.deviceOwner,
        port.deviceId,
        port.status,
        port.adminStateUp ? 1 : 0,
        port.nicIndex,
        port.revisionNumber,
        port.createdAt,
        port.updatedAt,
        port.portSecurityEnabled ? 1 : 0,
        JSON.stringify(port.extraDhcpOpts ?? []),
        JSON.stringify(port.bindingProfile ?? {}),
      ],
    );
    for (const [position, fixedIp] of port.fixedIps.entries()) {
      await this.free.lockSubnet(fixedIp.subnetId);
      await this.db.run(
        "INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position) VALUES (?, ?, ?, ?, ?)",
        [port.id, port.networkId, fixedIp.subnetId, fixedIp.ipAddress, position],
      );
      await this.free.claim(fixedIp.subnetId, fixedIp.ipAddress);
    }
    await this.insertPairs(port.id, port.allowedAddressPairs);
    await this.insertPortSecurityGroups(port.id, port.securityGroupIds);
  }

  private async insertPairs(portId: string, pairs: AddressPair[]): Promise<void> {
    for (const [position, pair] of pairs.entries()) {
      await this.db.run("INSERT INTO address_pairs (port_id, ip_address, mac_address, position) VALUES (?, ?, ?, ?)", [
        portId,
        pair.ipAddress,
        pair.macAddress,
        position,
      ]);
    }
  }

  /** Ports from rows of `portColumns`, keeping the rows' order. */
  private hydrate(rows: Row[]): Port[] {
    return rows.map((row) =>
      portFromRow(
        row,
        jsonArray<[string, string]>(row.fixed_ips_json).map(([subnetId, ipAddress]) => ({ subnetId, ipAddress })),
        jsonArray<[string, string]>(row.pairs_json).map(([ipAddress, macAddress]) => ({ ipAddress, macAddress })),
        jsonArray<string>(row.groups_json),
      ),
    );
  }

  /**
   * Hydrated ports matching `where`, locked when asked. On PostgreSQL a locking read is one statement that also
   * tells whether its rows are fresh: after waiting for another transaction's lock, READ COMMITTED hands back the
   * port row as that transaction left it, but the children's subqueries still see the statement's older snapshot.
   * A row whose version (xmin) differs from the one in that snapshot is such a case, and the locked ports are read
   * again. This holds because every change to a port's children also updates the port's row in the same
   * transaction (updatePort; a port deleted is gone from the locked rows).
   */
  private async selectPorts(where: string, params: unknown[], options?: ReadOptions): Promise<Port[]> {
    if (options?.forUpdate && this.db.dialect === "postgres") {
      const locked = await this.db.all<Row>(
        `SELECT ${this.portColumns}, (SELECT p.xmin = ports.xmin FROM ports p WHERE p.id = ports.id) AS fresh
         FROM ports WHERE ${where} ORDER BY id FOR UPDATE`,
        params,
      );
      if (locked.every((row) => row.fresh === true)) return this.hydrate(locked);
      const list = inList(
        this.db.dialect,
        "id",
        locked.map((row) => String(row.id)),
      );
      return this.hydrate(
        await this.db.all<Row>(`SELECT ${this.portColumns} FROM ports WHERE ${list.sql} ORDER BY id`, [list.param]),
      );
    }
    return this.hydrate(await this.db.all<Row>(`SELECT ${this.portColumns} FROM ports WHERE ${where}`, params));
  }

  async lockPortWithContext(id: string): Promise<{ port?: Port; server?: Server; subnet?: Subnet }> {
    if (this.db.dialect === "postgres") {
      const rows = await this.db.all<Row>(
        `SELECT ${this.portColumns}, (SELECT p.xmin = ports.xmin FROM ports p WHERE p.id = ports.id) AS fresh,
           (SELECT row_to_json(s) FROM servers s WHERE s.id = ports.device_id) AS server_json,
           (SELECT row_to_json(n) FROM subnets n WHERE n.id = ports.network_id) AS subnet_json
         FROM ports WHERE id = ? FOR UPDATE`,
        [id],
      );
      const row = rows[0];
      if (!row) return {};
      // Read in the statement's snapshot, from before any lock wait: fresh only if the port row was not changed
      // meanwhile (see selectPorts); otherwise the port, its server and subnet are read again, after the lock.
      if (row.fresh === true) {
        return {
          port: this.hydrate(rows)[0],
          server: row.server_json ? serverFromRow(row.server_json as Row) : undefined,
          subnet: row.subnet_json ? subnetFromRow(row.subnet_json as Row) : undefined,
        };
      }
    }
    const port = await this.getPort(id, { forUpdate: true });
    if (!port) return {};
    return { port, server: await this.getServer(port.deviceId), subnet: await this.getSubnet(port.networkId) };
  }

  async getPort(id: string, options?: ReadOptions): Promise<Port | undefined> {
    return (await this.selectPorts("id = ?", [id], options))[0];
  }

  async listPorts(filter: PortFilter): Promise<Port[]> {
    const params: unknown[] = [filter.projectId];
    let sql = `SELECT ${this.portColumns} FROM ports WHERE project_id = ?`;
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      sql += ` AND ${column} = ?`;
      params.push(value);
    };
    equal("name", filter.name);
    equal("network_id", filter.networkId);
    equal("device_id", filter.deviceId);
    equal("device_owner", filter.deviceOwner);
    equal("mac_address", filter.macAddress);
    equal("status", filter.status);
    if (filter.adminStateUp !== undefined) {
      sql += " AND admin_state_up = ?";
      params.push(filter.adminStateUp ? 1 : 0);
    }
    if (filter.ids !== undefined) {
      if (filter.ids.length === 0) return [];
      const list = inList(this.db.dialect, "id", filter.ids);
      sql += ` AND ${list.sql}`;
      params.push(list.param);
    }
    if (filter.ipAddress !== undefined) {
      sql += " AND id IN (SELECT port_id FROM fixed_ips WHERE ip_address = ?)";
      params.push(filter.ipAddress);
    }
    if (filter.ipAddressSubstring !== undefined) {
      // Addresses hold digits and dots only: no LIKE wildcard to escape once the text is known to be of those.
      if (!/^[0-9.]*$/.test(filter.ipAddressSubstring)) return [];
      sql += " AND id IN (SELECT port_id FROM fixed_ips WHERE ip_address LIKE ?)";
      params.push(`%${filter.ipAddressSubstring}%`);
    }
    if (filter.fixedIpSubnetId !== undefined) {
      sql += " AND id IN (SELECT port_id FROM fixed_ips WHERE subnet_id = ?)";
      params.push(filter.fixedIpSubnetId);
    }
    if (filter.securityGroupIds !== undefined) {
      if (filter.securityGroupIds.length === 0) return [];
      const list = inList(this.db.dialect, "security_group_id", filter.securityGroupIds);
      sql += ` AND id IN (SELECT port_id FROM port_security_groups WHERE ${list.sql})`;
      params.push(list.param);
    }
    sql += filter.page ? this.pageClause(filter.page, params) : " ORDER BY id";
    return this.hydrate(this.inOrder(await this.db.all<Row>(sql, params), filter.page));
  }

  async getPortByFixedIp(networkId: string, ipAddress: string, options?: ReadOptions): Promise<Port | undefined> {
    const where = "id IN (SELECT port_id FROM fixed_ips WHERE network_id = ? AND ip_address = ?)";
    return (await this.selectPorts(where, [networkId, ipAddress], options))[0];
  }

  freeRanges(subnetId: string, from: number, limit: number): Promise<AddressRange[]> {
    return listFreeRanges(this.db, subnetId, from, limit);
  }

  async macInUse(networkId: string, macAddress: string): Promise<boolean> {
    const rows = await this.db.all("SELECT 1 FROM ports WHERE network_id = ? AND mac_address = ? LIMIT 1", [
      networkId,
      macAddress,
    ]);
    return rows.length > 0;
  }

  async listPortsWithPair(projectId: string, pair: { ipAddress: string; macAddress?: string }): Promise<Port[]> {
    const params: unknown[] = [projectId, pair.ipAddress];
    let inner = "SELECT port_id FROM address_pairs WHERE ip_address = ?";
    if (pair.macAddress !== undefined) {
      inner += " AND mac_address = ?";
      params.push(pair.macAddress);
    }
    const rows = await this.db.all<Row>(
      `SELECT ${this.portColumns} FROM ports WHERE project_id = ? AND id IN (${inner}) ORDER BY id`,
      params,
    );
    return this.hydrate(rows);
  }

  async updatePort(port: Port): Promise<void> {
    this.changes.ports.add(port.id);
    const fields = [
      port.name,
      port.description,
      port.deviceOwner,
      port.deviceId,
      port.status,
      port.adminStateUp ? 1 : 0,
      port.nicIndex,
      port.revisionNumber,
      port.updatedAt,
      port.portSecurityEnabled ? 1 : 0,
      JSON.stringify(port.extraDhcpOpts ?? []),
      JSON.stringify(port.bindingProfile ?? {}),
      port.id,
    ];
    const set = `UPDATE ports SET name = ?, description = ?, device_owner = ?, device_id = ?, status = ?,
      admin_state_up = ?, nic_index = ?, revision_number = ?, updated_at = ?, port_security_enabled = ?,
      extra_dhcp_opts = ?, binding_profile = ? WHERE id = ?`;
    const pairs = port.allowedAddressPairs;
    const distinct = new Set(pairs.map((pair) => `${pair.ipAddress} ${pair.macAddress}`)).size === pairs.length;
    if (this.db.dialect === "postgres" && distinct) {
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
    await this.insertPairs(port.id, port.allowedAddressPairs);
  }

  async setPortFixedIps(port: Port): Promise<void> {
    this.changes.ports.add(port.id);
    await replaceFixedIps(this.db, this.free, port);
  }

  async deletePort(id: string): Promise<void> {
    this.changes.ports.add(id);
    const held = await this.db.all<Row>("SELECT subnet_id, ip_address FROM fixed_ips WHERE port_id = ?", [id]);
    await this.db.run("DELETE FROM ports WHERE id = ?", [id]);
    for (const row of held) await this.free.release(String(row.subnet_id), String(row.ip_address));
  }

  async insertServer(s: Server): Promise<void> {
    this.changes.servers.add(s.id);
    await this.db.run(
      `INSERT INTO servers (id, project_id, name, status, vpc_id, flavor_ref, image_ref, availability_zone,
        root_volume_type, root_volume_size, metadata, job_id, created_at, updated_at, key_name, description, tags,
        user_data, scheduler_hints, user_id, reservation_id, launch_index, launched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.id,
        s.projectId,
        s.name,
        s.status,
        s.vpcId,
        s.flavorRef,
        s.imageRef,
        s.availabilityZone,
        s.rootVolumeType,
        s.rootVolumeSize,
        JSON.stringify(s.metadata),
        s.jobId,
        s.createdAt,
        s.updatedAt,
        s.keyName ?? "",
        s.description ?? "",
        JSON.stringify(s.tags ?? []),
        s.userData ?? null,
        JSON.stringify(s.schedulerHints ?? {}),
        s.userId ?? "",
        s.reservationId ?? "",
        s.launchIndex ?? 0,
        s.launchedAt ?? null,
      ],
    );
  }

  async getServer(id: string, options?: ReadOptions): Promise<Server | undefined> {
    const row = await this.one(`SELECT * FROM servers WHERE id = ?${this.lock(options)}`, [id]);
    return row ? serverFromRow(row) : undefined;
  }

  async updateServer(s: Server): Promise<void> {
    this.changes.servers.add(s.id);
    await this.db.run(
      "UPDATE servers SET name = ?, status = ?, metadata = ?, updated_at = ?, launched_at = ? WHERE id = ?",
      [s.name, s.status, JSON.stringify(s.metadata), s.updatedAt, s.launchedAt ?? null, s.id],
    );
  }

  async deleteServer(id: string): Promise<void> {
    this.changes.servers.add(id);
    await this.db.run("DELETE FROM servers WHERE id = ?", [id]);
  }

  async listServers(projectId: string, filter: { name?: string; status?: string }): Promise<Server[]> {
    const params: unknown[] = [projectId];
    let sql = "SELECT * FROM servers WHERE project_id = ?";
    if (filter.name !== undefined) {
      sql += " AND name = ?";
      params.push(filter.name);
    }
    if (filter.status !== undefined) {
      sql += " AND status = ?";
      params.push(filter.status);
    }
    const rows = await this.db.all<Row>(`${sql} ORDER BY created_at, id`, params);
    return rows.map(serverFromRow);
  }

  async listServerNics(serverId: string): Promise<Port[]> {
    const rows = await this.db.all<Row>(
      `SELECT ${this.portColumns} FROM ports WHERE device_id = ? AND nic_index IS NOT NULL ORDER BY nic_index`,
      [serverId],
    );
    return this.hydrate(rows);
  }

  // --- the data plane's view ---

  async listNetworkState(): Promise<NetworkState> {
    const subnets = (await this.db.all<Row>("SELECT * FROM subnets ORDER BY id")).map(subnetFromRow);
    const servers = (await this.db.all<Row>("SELECT * FROM servers ORDER BY id")).map(serverFromRow);
    const ports = await this.hydrate(await this.db.all<Row>(`SELECT ${this.portColumns} FROM ports ORDER BY id`));
    return { subnets, servers, ports };
  }

  async insertJob(job: Job): Promise<void> {
    await this.db.run(
      `INSERT INTO jobs (id, project_id, job_type, status, server_ids, begin_time, end_time, ready_at, fail_reason,
        nic_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        job.id,
        job.projectId,
        job.jobType,
        job.status,
        JSON.stringify(job.serverIds),
        job.beginTime,
        job.endTime,
        job.readyAt,
        job.failReason,
        JSON.stringify(job.nicIds ?? []),
      ],
    );
  }

  async getJob(id: string): Promise<Job | undefined> {
    const row = await this.one("SELECT * FROM jobs WHERE id = ?", [id]);
    return row ? jobFromRow(row) : undefined;
  }

  async updateJob(job: Job): Promise<void> {
    await this.db.run("UPDATE jobs SET status = ?, end_time = ?, fail_reason = ? WHERE id = ?", [
      job.status,
      job.endTime,
      job.failReason,
      job.id,
    ]);
  }

  async updateJobProgress(id: string, serverIds: string[], readyAt: string): Promise<void> {
    await this.db.run("UPDATE jobs SET server_ids = ?, ready_at = ? WHERE id = ?", [
      JSON.stringify(serverIds),
      readyAt,
      id,
    ]);
  }

  async listDueJobs(now: string, limit: number): Promise<Job[]> {
    const rows = await this.db.all<Row>(
      "SELECT * FROM jobs WHERE status = 'RUNNING' AND ready_at <= ? ORDER BY ready_at, id LIMIT ?",
      [now, limit],
    );
    return rows.map(jobFromRow);
  }

  async projectUsage(projectId: string): Promise<ProjectUsage> {
    const counts = await this.one(
      `SELECT (SELECT COUNT(*) FROM vpcs WHERE project_id = ?) AS vpcs,
        (SELECT COUNT(*) FROM subnets WHERE project_id = ?) AS subnets`,
      [projectId, projectId],
    );
    const flavors = await this.db.all<Row>(
      "SELECT flavor_ref, COUNT(*) AS n FROM servers WHERE project_id = ? GROUP BY flavor_ref",
      [projectId],
    );
    return {
      vpcs: Number(counts?.vpcs ?? 0),
      subnets: Number(counts?.subnets ?? 0),
      serversByFlavor: Object.fromEntries(flavors.map((row) => [String(row.flavor_ref), Number(row.n)])),
    };
  }

  async dump(): Promise<Record<string, Record<string, unknown>[]>> {
    const dump: Record<string, Record<string, unknown>[]> = {};
    for (const [table, order] of DUMP_ORDER) {
      // BIGINT columns come back as text from PostgreSQL: both stores dump them as numbers.
      const numeric = BIGINT_COLUMNS[table] ?? [];
      dump[table] = (await this.db.all<Row>(`SELECT * FROM ${table} ORDER BY ${order}`)).map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === "bigint" || (numeric.includes(key) && value !== null) ? Number(value) : value,
          ]),
        ),
      );
    }
    return dump;
  }
}
