import type { AddressRange } from "../../domain/ipam/subnet-addresses.js";
import type { Network, Subnet, Vpc } from "../../domain/model.js";
import type { NetworkRepository } from "../repositories/networks.js";
import type { NetworkFilter, Page, ReadOptions, SubnetFilter } from "../types.js";
import type { SqlContext } from "./context.js";
import { listFreeRanges } from "./free-ranges.js";
import { Query } from "./query.js";
import { networkFromRow, subnetFromRow, vpcFromRow } from "./rows.js";

export class NetworksSql implements NetworkRepository {
  constructor(private readonly context: SqlContext) {}

  private get db() {
    return this.context.db;
  }

  private query(from: string): Query {
    return new Query(this.context.dialect, from);
  }

  async insertVpc(vpc: Vpc): Promise<void> {
    await this.db.run(
      "INSERT INTO vpcs (id, project_id, name, description, cidr, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [vpc.id, vpc.projectId, vpc.name, vpc.description, vpc.cidr, vpc.status, vpc.createdAt],
    );
  }

  async getVpc(id: string, options?: ReadOptions): Promise<Vpc | undefined> {
    const row = await this.query("vpcs").where("id = ?", id).forUpdate(options).first(this.db);
    return row ? vpcFromRow(row) : undefined;
  }

  async listVpcs(projectId: string, page: Page): Promise<Vpc[]> {
    return (await this.query("vpcs").where("project_id = ?", projectId).page(page).all(this.db)).map(vpcFromRow);
  }

  async updateVpc(vpc: Vpc): Promise<void> {
    await this.db.run("UPDATE vpcs SET name = ?, description = ?, cidr = ? WHERE id = ?", [
      vpc.name,
      vpc.description,
      vpc.cidr,
      vpc.id,
    ]);
  }

  async deleteVpc(id: string): Promise<void> {
    await this.db.run("DELETE FROM vpcs WHERE id = ?", [id]);
  }

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
    const row = await this.query("networks").where("id = ?", id).forUpdate(options).first(this.db);
    return row ? networkFromRow(row) : undefined;
  }

  async listNetworks(projectId: string, filter: NetworkFilter): Promise<Network[]> {
    const query = this.query("networks")
      .where("project_id = ?", projectId)
      .equal("name", filter.name)
      .oneOf("id", filter.ids)
      .page(filter.page);
    return (await query.all(this.db)).map(networkFromRow);
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

  async insertSubnet(s: Subnet): Promise<void> {
    this.context.changes.subnets.add(s.id);
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
    await this.context.free.addSubnet(s.neutronSubnetId, s.cidr);
  }

  async getSubnet(id: string, options?: ReadOptions): Promise<Subnet | undefined> {
    const row = await this.query("subnets").where("id = ?", id).forUpdate(options).first(this.db);
    if (!row) return undefined;
    const subnet = subnetFromRow(row);
    if (options?.forUpdate) this.context.free.noteLocked(subnet.neutronSubnetId, subnet.cidr);
    return subnet;
  }

  async getSubnetByNeutronId(neutronSubnetId: string, options?: ReadOptions): Promise<Subnet | undefined> {
    const row = await this.query("subnets")
      .where("neutron_subnet_id = ?", neutronSubnetId)
      .forUpdate(options)
      .first(this.db);
    return row ? subnetFromRow(row) : undefined;
  }

  async listSubnets(projectId: string, filter: SubnetFilter): Promise<Subnet[]> {
    const query = this.query("subnets").where("project_id = ?", projectId);
    if (filter.vpcOnly) query.where("vpc_id IS NOT NULL");
    query.equal("vpc_id", filter.vpcId).page(filter.page);
    return (await query.all(this.db)).map(subnetFromRow);
  }

  async listSubnetsOfVpc(vpcId: string): Promise<Subnet[]> {
    return (await this.query("subnets").where("vpc_id = ?", vpcId).orderBy("id").all(this.db)).map(subnetFromRow);
  }

  async listSubnetsOfNetwork(networkId: string): Promise<Subnet[]> {
    const query = this.query("subnets").where("network_id = ?", networkId).orderBy("created_at, id");
    return (await query.all(this.db)).map(subnetFromRow);
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

  async deleteSubnet(id: string): Promise<void> {
    this.context.changes.subnets.add(id);
    await this.db.run("DELETE FROM subnets WHERE id = ?", [id]);
  }

  freeRanges(subnetId: string, from: number, limit: number): Promise<AddressRange[]> {
    return listFreeRanges(this.db, subnetId, from, limit);
  }
}
