/**
 * A store dump (`tx.admin.dump()`: every row of every table, keyed by table name) read back as the few typed records the
 * invariant rules reason about. Pure: works on a dump taken from any store, running or stopped.
 */
export type StoreDump = Record<string, Record<string, unknown>[]>;

export interface VpcRow {
  id: string;
  cidr: string;
}

export interface SubnetRow {
  id: string;
  /** The network holding the subnet (a VPC v1 subnet's network has the subnet's id). */
  networkId: string;
  neutronSubnetId: string;
  /** "" for a subnet made through Neutron (it belongs to no VPC). */
  vpcId: string;
  cidr: string;
}

export interface PortRow {
  id: string;
  networkId: string;
  macAddress: string;
  deviceOwner: string;
  deviceId: string;
  nicIndex: number | null;
}

export interface FixedIpRow {
  portId: string;
  networkId: string;
  subnetId: string;
  ipAddress: string;
}

export interface PairRow {
  portId: string;
  ipAddress: string;
  macAddress: string;
}

export interface ServerRow {
  id: string;
  vpcId: string;
}

export interface DumpView {
  vpcs: Map<string, VpcRow>;
  /** Subnets by the id of their network (the first, for a Neutron network holding several). */
  subnets: Map<string, SubnetRow>;
  /** Every subnet by its Neutron id (what fixed IPs name). */
  subnetsByNeutronId: Map<string, SubnetRow>;
  /** Ids of every network (a Neutron network may hold no subnet). */
  networkIds: Set<string>;
  ports: Map<string, PortRow>;
  servers: Map<string, ServerRow>;
  fixedIps: FixedIpRow[];
  pairs: PairRow[];
  fixedIpsByPort: Map<string, FixedIpRow[]>;
  pairsByPort: Map<string, PairRow[]>;
  subnetsByVpc: Map<string, SubnetRow[]>;
  /** Every subnet (a Neutron network may hold several). */
  subnetList: SubnetRow[];
  /** `free_ranges` rows by Neutron subnet id, by first address; undefined when the dump has no such table. */
  freeRanges: Map<string, FreeRangeRow[]> | undefined;
}

export interface FreeRangeRow {
  first: number;
  last: number;
}

const text = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

function rows(dump: StoreDump, table: string): Record<string, unknown>[] {
  return dump[table] ?? [];
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function viewOf(dump: StoreDump): DumpView {
  const vpcs = new Map(
    rows(dump, "vpcs").map((row): [string, VpcRow] => [text(row.id), { id: text(row.id), cidr: text(row.cidr) }]),
  );
  const subnetList = rows(dump, "subnets").map(
    (row): SubnetRow => ({
      id: text(row.id),
      networkId: text(row.network_id) || text(row.id),
      neutronSubnetId: text(row.neutron_subnet_id),
      vpcId: text(row.vpc_id),
      cidr: text(row.cidr),
    }),
  );
  const ports = new Map(
    rows(dump, "ports").map((row): [string, PortRow] => [
      text(row.id),
      {
        id: text(row.id),
        networkId: text(row.network_id),
        macAddress: text(row.mac_address),
        deviceOwner: text(row.device_owner),
        deviceId: text(row.device_id),
        nicIndex: row.nic_index === null || row.nic_index === undefined ? null : Number(row.nic_index),
      },
    ]),
  );
  const servers = new Map(
    rows(dump, "servers").map((row): [string, ServerRow] => [
      text(row.id),
      { id: text(row.id), vpcId: text(row.vpc_id) },
    ]),
  );
  const fixedIps = rows(dump, "fixed_ips").map(
    (row): FixedIpRow => ({
      portId: text(row.port_id),
      networkId: text(row.network_id),
      subnetId: text(row.subnet_id),
      ipAddress: text(row.ip_address),
    }),
  );
  const pairs = rows(dump, "address_pairs").map(
    (row): PairRow => ({
      portId: text(row.port_id),
      ipAddress: text(row.ip_address),
      macAddress: text(row.mac_address),
    }),
  );
  const freeRows = dump.free_ranges;
  const freeRanges =
    freeRows === undefined
      ? undefined
      : new Map(
          [
            ...groupBy(
              freeRows.map((row) => ({
                subnetId: text(row.subnet_id),
                first: Number(row.first),
                last: Number(row.last),
              })),
              (row) => row.subnetId,
            ),
          ].map(([subnetId, list]): [string, FreeRangeRow[]] => [
            subnetId,
            list.map(({ first, last }) => ({ first, last })).sort((a, b) => a.first - b.first),
          ]),
        );
  return {
    vpcs,
    // Keyed by network: ports and fixed IPs name their network, and each network of a VPC holds one subnet.
    subnets: new Map([...subnetList].reverse().map((subnet) => [subnet.networkId, subnet])),
    subnetsByNeutronId: new Map(subnetList.map((subnet) => [subnet.neutronSubnetId, subnet])),
    networkIds: new Set([
      ...rows(dump, "networks").map((row) => text(row.id)),
      ...subnetList.map((subnet) => subnet.networkId),
    ]),
    ports,
    servers,
    fixedIps,
    pairs,
    fixedIpsByPort: groupBy(fixedIps, (ip) => ip.portId),
    pairsByPort: groupBy(pairs, (pair) => pair.portId),
    subnetsByVpc: groupBy(
      subnetList.filter((subnet) => subnet.vpcId !== ""),
      (subnet) => subnet.vpcId,
    ),
    subnetList,
    freeRanges,
  };
}
