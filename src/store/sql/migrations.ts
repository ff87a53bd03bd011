import { CHANGE_QUEUE_SEQUENCE } from "./change-log.js";
import type { SqlExecutor } from "./executor.js";
import { FREE_RANGE_STATEMENTS, fillFreeRanges } from "./free-ranges.js";

/**
 * Versioned schema, one entry per version, written in the SQL that SQLite and PostgreSQL (and PostgreSQL-compatible
 * distributed databases) all accept: TEXT/INTEGER/BIGINT columns, ISO-8601 text timestamps, JSON as TEXT.
 * Every uniqueness rule of the cloud lives here as a constraint, so no race can break it.
 */
/** Tenant Administrator's id (src/domain/iam/roles.ts), spelled out: a migration must not change with the code. */
const TENANT_ADMINISTRATOR_ID = "e6d3c1b8a6f04f3c9d2a7b5e4c3d2a10";

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Data written after the statements, computed in TypeScript where portable SQL cannot (e.g. address ranges). */
  fill?: (db: SqlExecutor) => Promise<void>;
}

const PORT_COLUMNS = `id, project_id, network_id, name, description, mac_address, device_owner, device_id, status,
  admin_state_up, nic_index, revision_number, created_at, updated_at`;

/**
 * Version 2: a network of its own (a VPC v1 subnet becomes one network with one subnet, under the same id) that ports
 * reference. Changing the target of `ports.network_id` needs the ports table rebuilt, in portable SQL and with
 * foreign keys on: its children are copied aside and dropped first, so dropping the old table cascades into nothing.
 * Any later migration that adds a table referencing `ports` must come after this one.
 */
const NETWORKS_MIGRATION = [
  `CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    vpc_id TEXT REFERENCES vpcs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    admin_state_up INTEGER NOT NULL,
    status TEXT NOT NULL,
    revision_number INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL)`,
  `CREATE INDEX networks_by_project ON networks (project_id, id)`,
  `CREATE INDEX networks_by_vpc ON networks (vpc_id)`,
  `INSERT INTO networks (id, project_id, vpc_id, name, description, admin_state_up, status, revision_number,
    created_at, updated_at)
   SELECT id, project_id, vpc_id, name, description, 1, 'ACTIVE', 0, created_at, created_at FROM subnets`,
  `ALTER TABLE subnets ADD COLUMN network_id TEXT REFERENCES networks(id)`,
  `UPDATE subnets SET network_id = id`,
  `CREATE INDEX subnets_by_network ON subnets (network_id)`,
  `CREATE TABLE ports_next (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    mac_address TEXT NOT NULL,
    device_owner TEXT NOT NULL,
    device_id TEXT NOT NULL,
    status TEXT NOT NULL,
    admin_state_up INTEGER NOT NULL,
    nic_index INTEGER,
    revision_number INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (network_id, mac_address))`,
  `INSERT INTO ports_next (${PORT_COLUMNS}) SELECT ${PORT_COLUMNS} FROM ports`,
  `CREATE TABLE fixed_ips_copy AS SELECT port_id, network_id, subnet_id, ip_address, position FROM fixed_ips`,
  `CREATE TABLE address_pairs_copy AS SELECT port_id, ip_address, mac_address, position FROM address_pairs`,
  `DROP TABLE address_pairs`,
  `DROP TABLE fixed_ips`,
  `DROP TABLE ports`,
  `ALTER TABLE ports_next RENAME TO ports`,
  `CREATE INDEX ports_by_project ON ports (project_id, id)`,
  `CREATE INDEX ports_by_device ON ports (device_id)`,
  `CREATE INDEX ports_by_network ON ports (network_id)`,
  `CREATE TABLE fixed_ips (
    port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
    network_id TEXT NOT NULL,
    subnet_id TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (network_id, ip_address))`,
  `CREATE INDEX fixed_ips_by_port ON fixed_ips (port_id)`,
  `INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position)
   SELECT port_id, network_id, subnet_id, ip_address, position FROM fixed_ips_copy`,
  `DROP TABLE fixed_ips_copy`,
  `CREATE TABLE address_pairs (
    port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
    ip_address TEXT NOT NULL,
    mac_address TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (port_id, ip_address, mac_address))`,
  `CREATE INDEX address_pairs_by_ip ON address_pairs (ip_address)`,
  `INSERT INTO address_pairs (port_id, ip_address, mac_address, position)
   SELECT port_id, ip_address, mac_address, position FROM address_pairs_copy`,
  `DROP TABLE address_pairs_copy`,
];

const SUBNET_COLUMNS = `id, neutron_subnet_id, project_id, vpc_id, name, description, cidr, gateway_ip, dhcp_enable,
  primary_dns, secondary_dns, availability_zone, status, created_at, network_id, dns_list, extra_dhcp_opts`;

/**
 * Version 9: Neutron-native networks and subnets. A subnet created through Neutron belongs to no VPC, so `vpc_id`
 * becomes nullable, which SQLite can only do by rebuilding the table (nothing references `subnets`, so it drops
 * cleanly). Subnets gain their allocation pools (NULL: the default pools of their CIDR and gateway), a revision and
 * an update time; networks gain the port-security default of their new ports.
 */
const NATIVE_NETWORKS_MIGRATION = [
  `CREATE TABLE subnets_next (
    id TEXT PRIMARY KEY,
    neutron_subnet_id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL REFERENCES projects(id),
    vpc_id TEXT REFERENCES vpcs(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    cidr TEXT NOT NULL,
    gateway_ip TEXT NOT NULL,
    dhcp_enable INTEGER NOT NULL,
    primary_dns TEXT NOT NULL,
    secondary_dns TEXT NOT NULL,
    availability_zone TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    network_id TEXT NOT NULL REFERENCES networks(id),
    dns_list TEXT NOT NULL,
    extra_dhcp_opts TEXT NOT NULL,
    allocation_pools TEXT,
    revision_number INTEGER NOT NULL,
    updated_at TEXT NOT NULL)`,
  `INSERT INTO subnets_next (${SUBNET_COLUMNS}, allocation_pools, revision_number, updated_at)
   SELECT ${SUBNET_COLUMNS}, NULL, 0, created_at FROM subnets`,
  `DROP TABLE subnets`,
  `ALTER TABLE subnets_next RENAME TO subnets`,
  `CREATE INDEX subnets_by_project ON subnets (project_id, id)`,
  `CREATE INDEX subnets_by_vpc ON subnets (vpc_id)`,
  `CREATE INDEX subnets_by_network ON subnets (network_id)`,
  `ALTER TABLE networks ADD COLUMN port_security_enabled INTEGER NOT NULL DEFAULT 1`,
  // A project's VPC names are unique unless blank (VPC.0115). Older stores may hold duplicates: every VPC but the
  // first (by id) of a name gets the start of its id appended, so the constraint can be created.
  `UPDATE vpcs SET name = name || '-' || substr(id, 1, 8)
   WHERE name <> '' AND EXISTS (
     SELECT 1 FROM vpcs AS other WHERE other.project_id = vpcs.project_id AND other.name = vpcs.name AND other.id < vpcs.id)`,
  `CREATE UNIQUE INDEX vpcs_unique_name ON vpcs (project_id, name) WHERE name <> ''`,
  // The NICs a NIC job added or removed, reported as its sub-jobs' nic_id.
  `ALTER TABLE jobs ADD COLUMN nic_ids TEXT NOT NULL DEFAULT '[]'`,
  // What a server's create request said (shown back as given) and when it first became ACTIVE.
  `ALTER TABLE servers ADD COLUMN key_name TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE servers ADD COLUMN description TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE servers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'`,
  `ALTER TABLE servers ADD COLUMN user_data TEXT`,
  `ALTER TABLE servers ADD COLUMN scheduler_hints TEXT NOT NULL DEFAULT '{}'`,
  `ALTER TABLE servers ADD COLUMN user_id TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE servers ADD COLUMN reservation_id TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE servers ADD COLUMN launch_index INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE servers ADD COLUMN launched_at TEXT`,
  // A port's DHCP options and binding profile, stored and answered as given.
  `ALTER TABLE ports ADD COLUMN extra_dhcp_opts TEXT NOT NULL DEFAULT '[]'`,
  `ALTER TABLE ports ADD COLUMN binding_profile TEXT NOT NULL DEFAULT '{}'`,
];

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "cloud network model",
    statements: [
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)`,
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        UNIQUE (account_id, name))`,
      `CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL)`,
      `CREATE TABLE access_keys (
        access_key TEXT PRIMARY KEY,
        secret_key TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id))`,
      `CREATE TABLE vpcs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        cidr TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL)`,
      `CREATE INDEX vpcs_by_project ON vpcs (project_id, id)`,
      `CREATE TABLE subnets (
        id TEXT PRIMARY KEY,
        neutron_subnet_id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL REFERENCES projects(id),
        vpc_id TEXT NOT NULL REFERENCES vpcs(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        cidr TEXT NOT NULL,
        gateway_ip TEXT NOT NULL,
        dhcp_enable INTEGER NOT NULL,
        primary_dns TEXT NOT NULL,
        secondary_dns TEXT NOT NULL,
        availability_zone TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL)`,
      `CREATE INDEX subnets_by_project ON subnets (project_id, id)`,
      `CREATE INDEX subnets_by_vpc ON subnets (vpc_id)`,
      `CREATE TABLE ports (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        network_id TEXT NOT NULL REFERENCES subnets(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        mac_address TEXT NOT NULL,
        device_owner TEXT NOT NULL,
        device_id TEXT NOT NULL,
        status TEXT NOT NULL,
        admin_state_up INTEGER NOT NULL,
        nic_index INTEGER,
        revision_number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (network_id, mac_address))`,
      `CREATE INDEX ports_by_project ON ports (project_id, id)`,
      `CREATE INDEX ports_by_device ON ports (device_id)`,
      `CREATE TABLE fixed_ips (
        port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
        network_id TEXT NOT NULL,
        subnet_id TEXT NOT NULL,
        ip_address TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (network_id, ip_address))`,
      `CREATE INDEX fixed_ips_by_port ON fixed_ips (port_id)`,
      `CREATE TABLE address_pairs (
        port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
        ip_address TEXT NOT NULL,
        mac_address TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (port_id, ip_address, mac_address))`,
      `CREATE INDEX address_pairs_by_ip ON address_pairs (ip_address)`,
      `CREATE TABLE servers (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        flavor_ref TEXT NOT NULL,
        image_ref TEXT NOT NULL,
        availability_zone TEXT NOT NULL,
        root_volume_type TEXT NOT NULL,
        root_volume_size INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        job_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)`,
      `CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        job_type TEXT NOT NULL,
        status TEXT NOT NULL,
        server_ids TEXT NOT NULL,
        begin_time TEXT NOT NULL,
        end_time TEXT,
        ready_at TEXT NOT NULL,
        fail_reason TEXT)`,
      `CREATE INDEX jobs_by_status ON jobs (status, ready_at)`,
    ],
  },
  {
    version: 2,
    name: "networks apart from subnets",
    statements: NETWORKS_MIGRATION,
  },
  // The change feed: which ports, servers and subnets each committed unit of work touched, by revision.
  {
    version: 3,
    name: "change feed",
    statements: [
      `CREATE TABLE change_revision (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL)`,
      `INSERT INTO change_revision (id, revision) VALUES (1, 0)`,
      `CREATE TABLE change_log (
        revision BIGINT PRIMARY KEY,
        ports TEXT NOT NULL,
        servers TEXT NOT NULL,
        subnets TEXT NOT NULL,
        committed_at TEXT NOT NULL)`,
    ],
  },
  {
    version: 4,
    name: "security groups and EIPs",
    statements: [
      // default_for_project holds the project id for the project's one default group (NULL for every other group).
      `CREATE TABLE security_groups (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        default_for_project TEXT UNIQUE,
        revision_number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)`,
      `CREATE INDEX security_groups_by_project ON security_groups (project_id, id)`,
      `CREATE TABLE security_group_rules (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        security_group_id TEXT NOT NULL REFERENCES security_groups(id),
        direction TEXT NOT NULL,
        ethertype TEXT NOT NULL,
        protocol TEXT,
        port_range_min INTEGER,
        port_range_max INTEGER,
        remote_ip_prefix TEXT,
        remote_group_id TEXT REFERENCES security_groups(id),
        description TEXT NOT NULL,
        revision_number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)`,
      `CREATE INDEX security_group_rules_by_project ON security_group_rules (project_id, id)`,
      `CREATE INDEX security_group_rules_by_group ON security_group_rules (security_group_id)`,
      `CREATE INDEX security_group_rules_by_remote ON security_group_rules (remote_group_id)`,
      // No cascade from the group: a group with member ports cannot be deleted, by the schema too.
      `CREATE TABLE port_security_groups (
        port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
        security_group_id TEXT NOT NULL REFERENCES security_groups(id),
        position INTEGER NOT NULL,
        UNIQUE (port_id, security_group_id))`,
      `CREATE INDEX port_security_groups_by_group ON port_security_groups (security_group_id)`,
      `ALTER TABLE ports ADD COLUMN port_security_enabled INTEGER NOT NULL DEFAULT 1`,
      // One EIP per address of the pool across projects, and at most one EIP per port; a bound port cannot be
      // deleted before its EIP is unbound.
      `CREATE TABLE eips (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        public_ip_address TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        alias TEXT NOT NULL,
        port_id TEXT UNIQUE REFERENCES ports(id),
        bandwidth_id TEXT NOT NULL,
        bandwidth_name TEXT NOT NULL,
        bandwidth_size INTEGER NOT NULL,
        bandwidth_share_type TEXT NOT NULL,
        bandwidth_charge_mode TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)`,
      `CREATE INDEX eips_by_project ON eips (project_id, id)`,
    ],
  },
  {
    version: 5,
    name: "subnet DNS list and DHCP options",
    statements: [
      `ALTER TABLE subnets ADD COLUMN dns_list TEXT NOT NULL DEFAULT '[]'`,
      `ALTER TABLE subnets ADD COLUMN extra_dhcp_opts TEXT NOT NULL DEFAULT '[]'`,
    ],
  },
  {
    version: 6,
    name: "audit trail",
    statements: [
      `CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        time TEXT NOT NULL,
        account_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        access_key TEXT NOT NULL,
        project_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        status INTEGER NOT NULL,
        code TEXT NOT NULL,
        request_id TEXT NOT NULL,
        source TEXT NOT NULL)`,
      `CREATE INDEX audit_log_by_time ON audit_log (time, id)`,
    ],
  },
  {
    version: 7,
    name: "revoked tokens",
    statements: [`CREATE TABLE revoked_tokens (token_hash TEXT PRIMARY KEY, expires_at TEXT NOT NULL)`],
  },
  // Several users per account, user groups, roles granted to groups on projects, key status. Every account that
  // exists gets its admin group (its admin user a member) holding Tenant Administrator on each of its projects.
  {
    version: 8,
    name: "IAM users, groups, grants and key status",
    statements: [
      `ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1`,
      `ALTER TABLE users ADD COLUMN description TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE access_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'active'`,
      `ALTER TABLE access_keys ADD COLUMN description TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE access_keys ADD COLUMN created_at TEXT NOT NULL DEFAULT ''`,
      `CREATE INDEX access_keys_by_user ON access_keys (user_id)`,
      `CREATE TABLE user_groups (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (account_id, name))`,
      `CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        UNIQUE (group_id, user_id))`,
      `CREATE INDEX group_members_by_user ON group_members (user_id)`,
      `CREATE TABLE group_grants (
        group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects(id),
        role_id TEXT NOT NULL,
        UNIQUE (group_id, project_id, role_id))`,
      `CREATE INDEX group_grants_by_project ON group_grants (project_id, group_id)`,
      `INSERT INTO user_groups (id, account_id, name, description, created_at)
       SELECT 'admin-' || id, id, 'admin', 'The account administrators', '' FROM accounts`,
      `INSERT INTO group_members (group_id, user_id) SELECT 'admin-' || account_id, id FROM users WHERE name = 'admin'`,
      `INSERT INTO group_grants (group_id, project_id, role_id)
       SELECT 'admin-' || account_id, id, '${TENANT_ADMINISTRATOR_ID}' FROM projects`,
    ],
  },
  {
    version: 9,
    name: "Neutron-native networks and subnets",
    statements: NATIVE_NETWORKS_MIGRATION,
  },
  // Each subnet's free addresses as ranges (see free-ranges.ts), filled from the fixed IPs already stored; fixed IPs
  // found by address alone (unbind, `?fixed_ips=ip_address=`) and by subnet (private IP lists, the fill) by index.
  {
    version: 10,
    name: "free address ranges",
    statements: [
      ...FREE_RANGE_STATEMENTS,
      `CREATE INDEX fixed_ips_by_ip ON fixed_ips (ip_address)`,
      `CREATE INDEX fixed_ips_by_subnet ON fixed_ips (subnet_id, ip_address)`,
    ],
    fill: fillFreeRanges,
  },
  // One counter that every identity change bumps (iam-sql.ts), so identity facts can be cached and checked cheaply.
  {
    version: 11,
    name: "identity revision",
    statements: [
      `CREATE TABLE identity_revision (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL)`,
      `INSERT INTO identity_revision (id, revision) VALUES (1, 0)`,
    ],
  },
  // PostgreSQL writers queue their changes, and revisions are given after commit (change-log.ts); SQLite leaves the
  // queue empty. The sequence exists on PostgreSQL only: SQLite has none, and needs none.
  {
    version: 12,
    name: "change queue",
    statements: [
      `CREATE TABLE change_queue (
        id BIGINT PRIMARY KEY,
        ports TEXT NOT NULL,
        servers TEXT NOT NULL,
        subnets TEXT NOT NULL,
        committed_at TEXT NOT NULL)`,
      `ALTER TABLE change_log ADD COLUMN queue_id BIGINT`,
      `CREATE INDEX change_log_by_queue_id ON change_log (queue_id)`,
    ],
    fill: async (db) => {
      if (db.dialect === "postgres") await db.run(`CREATE SEQUENCE ${CHANGE_QUEUE_SEQUENCE}`);
    },
  },
  // A VPC is a Neutron router: its gateway on the external network and static routes (routers-sql.ts).
  {
    version: 13,
    name: "routers",
    statements: [
      `CREATE TABLE routers (
        vpc_id TEXT PRIMARY KEY REFERENCES vpcs(id) ON DELETE CASCADE,
        external_gateway INTEGER NOT NULL,
        enable_snat INTEGER NOT NULL,
        routes TEXT NOT NULL,
        revision_number INTEGER NOT NULL,
        updated_at TEXT NOT NULL)`,
      // Which of its port's fixed IPs a floating IP maps to (a port may have several).
      `ALTER TABLE eips ADD COLUMN fixed_ip_address TEXT`,
    ],
  },
  // A floating IP's Neutron description and revision number (standard-attr-description, standard-attr-revisions).
  {
    version: 14,
    name: "floating IP description and revision",
    statements: [
      `ALTER TABLE eips ADD COLUMN description TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE eips ADD COLUMN revision_number INTEGER NOT NULL DEFAULT 0`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
