/**
 * Versioned schema, one entry per version, written in the SQL that SQLite and PostgreSQL (and PostgreSQL-compatible
 * distributed databases) all accept: TEXT/INTEGER/BIGINT columns, ISO-8601 text timestamps, JSON as TEXT.
 * Every uniqueness rule of the cloud lives here as a constraint, so no race can break it.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

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
    version: 3,
    name: "revoked tokens",
    statements: [`CREATE TABLE revoked_tokens (token_hash TEXT PRIMARY KEY, expires_at TEXT NOT NULL)`],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
